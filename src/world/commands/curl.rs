//! `curl`: HTTP requests to the machines' web servers, in curl 7.88.1's words (Debian 12;
//! recorded in `tests/fidelity/server/curl-*.txt`).
//!
//! Options a learner uses: `-X`, `-d`/`--data` (repeatable, joined with `&`, `@file`),
//! `--data-urlencode`, `--json`, `-F`, `-H`, `-i`, `-I`, `-s`, `-S`, `-v`, `-o`, `-w`, `-f`,
//! `-L`. Headers print with `\n` line ends (curl sends `\r\n`; a terminal shows the same).
//! The progress meter, drawn when the body goes to a file or a pipe, shows its last line only.

use super::Command;
use crate::runtime::{Request, Response};
use crate::world::ctx::Ctx;
use crate::world::serve::{self, Route};

/// `curl [options...] <url>`
pub const CURL: Command = Command {
    name: "curl",
    synopsis: "curl [options...] <url>",
    summary: "Send an HTTP request: `curl -d name=Ann -d email=ann@example.com localhost:5000/register`, `curl http://prod:8000/users`.",
    run: curl,
};

/// The `User-Agent` curl sends.
const USER_AGENT: &str = "curl/7.88.1";
/// The multipart boundary (curl draws 16 random hex digits; the world has no randomness).
const BOUNDARY: &str = "------------------------d74496d66958873e";
const TRY: &str = "curl: try 'curl --help' or 'curl --manual' for more information";

#[derive(Default)]
struct Options {
    method: Option<String>,
    data: Vec<String>,
    json: bool,
    multipart: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    include: bool,
    head: bool,
    silent: bool,
    show_error: bool,
    verbose: bool,
    fail: bool,
    output: Option<String>,
    write_out: Option<String>,
    url: Option<String>,
}

/// Options that take a value, short and long.
fn takes_value(name: &str) -> bool {
    matches!(
        name,
        "-X" | "--request"
            | "-d"
            | "--data"
            | "--data-raw"
            | "--data-binary"
            | "--data-ascii"
            | "--data-urlencode"
            | "--json"
            | "-F"
            | "--form"
            | "-H"
            | "--header"
            | "-o"
            | "--output"
            | "-w"
            | "--write-out"
            | "-A"
            | "--user-agent"
            | "-m"
            | "--max-time"
            | "--connect-timeout"
    )
}

fn parse(ctx: &Ctx, args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    // Split `-si` into `-s -i` and `-XPOST` into `-X POST`.
    let mut words: Vec<String> = Vec::new();
    for arg in args {
        if arg.starts_with("--") || !arg.starts_with('-') || arg.len() <= 2 {
            words.push(arg.clone());
            continue;
        }
        let chars: Vec<char> = arg[1..].chars().collect();
        for (k, c) in chars.iter().enumerate() {
            let flag = format!("-{c}");
            let valued = takes_value(&flag);
            words.push(flag);
            if valued {
                let rest: String = chars[k + 1..].iter().collect();
                if !rest.is_empty() {
                    words.push(rest);
                }
                break;
            }
        }
    }
    let mut i = 0;
    while i < words.len() {
        let word = words[i].clone();
        if !word.starts_with('-') || word == "-" {
            o.url = Some(word);
            i += 1;
            continue;
        }
        let value = if takes_value(&word) {
            i += 1;
            match words.get(i) {
                Some(v) => v.clone(),
                None => return Err(format!("curl: option {word}: requires parameter\n{TRY}")),
            }
        } else {
            String::new()
        };
        match word.as_str() {
            "-X" | "--request" => o.method = Some(value),
            "-d" | "--data" | "--data-ascii" => o.data.push(read_data(ctx, &value, true)?),
            "--data-raw" => o.data.push(value),
            "--data-binary" => o.data.push(read_data(ctx, &value, false)?),
            "--data-urlencode" => o.data.push(match value.split_once('=') {
                Some((name, v)) => format!("{name}={}", percent_encode(v)),
                None => percent_encode(&value),
            }),
            "--json" => {
                o.json = true;
                o.data.push(read_data(ctx, &value, false)?);
            }
            "-F" | "--form" => {
                let (name, v) = value.split_once('=').unwrap_or((value.as_str(), ""));
                o.multipart.push((name.to_string(), v.to_string()));
            }
            "-H" | "--header" => {
                if let Some((name, v)) = value.split_once(':') {
                    o.headers
                        .push((name.trim().to_string(), v.trim().to_string()));
                }
            }
            "-A" | "--user-agent" => o.headers.push(("User-Agent".to_string(), value)),
            "-i" | "--include" => o.include = true,
            "-I" | "--head" => o.head = true,
            "-s" | "--silent" => o.silent = true,
            "-S" | "--show-error" => o.show_error = true,
            "-v" | "--verbose" => o.verbose = true,
            "-f" | "--fail" => o.fail = true,
            "-o" | "--output" => o.output = Some(value),
            "-w" | "--write-out" => o.write_out = Some(value),
            "-L" | "--location" | "-k" | "--insecure" | "-m" | "--max-time"
            | "--connect-timeout" | "--compressed" | "-4" | "-6" => {}
            _ => return Err(format!("curl: option {word}: is unknown\n{TRY}")),
        }
        i += 1;
    }
    Ok(o)
}

/// `-d @file` reads the file (curl drops its newlines for `-d`, keeps them for binary data).
fn read_data(ctx: &Ctx, value: &str, strip_newlines: bool) -> Result<String, String> {
    let Some(name) = value.strip_prefix('@') else {
        return Ok(value.to_string());
    };
    match ctx.machine_ref().fs.read(&ctx.path(name)) {
        Ok(text) if strip_newlines => Ok(text.replace(['\r', '\n'], "")),
        Ok(text) => Ok(text.to_string()),
        // curl warns and sends nothing for an unreadable file.
        Err(_) => Ok(String::new()),
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A form body as Werkzeug parses it: `a=1&b=2`, percent- and plus-decoded.
fn parse_form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// The parts of a URL curl needs.
struct Url {
    scheme: String,
    host: String,
    port: u16,
    target: String,
}

fn parse_url(url: &str) -> Result<Url, (i32, String)> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_lowercase(), r),
        None => ("http".to_string(), url),
    };
    if scheme != "http" && scheme != "https" {
        return Err((
            1,
            format!("Protocol \"{scheme}\" not supported or disabled in libcurl"),
        ));
    }
    let (authority, target) = match rest.find(['/', '?']) {
        Some(at) if rest[at..].starts_with('?') => (&rest[..at], format!("/{}", &rest[at..])),
        Some(at) => (&rest[..at], rest[at..].to_string()),
        None => (rest, "/".to_string()),
    };
    let bad = || (3, "URL using bad/illegal format or missing URL".to_string());
    let default_port = if scheme == "https" { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') => {
            let port = if p.is_empty() {
                default_port
            } else {
                p.parse::<u16>().map_err(|_| bad())?
            };
            (h, port)
        }
        _ => (authority, default_port),
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok(Url {
        scheme,
        host: host.to_lowercase(),
        port,
        target,
    })
}

fn curl(ctx: &mut Ctx, args: &[String]) -> i32 {
    let o = match parse(ctx, args) {
        Ok(o) => o,
        Err(message) => return ctx.fail(&message, 2),
    };
    let Some(raw_url) = o.url.clone() else {
        return ctx.fail(&format!("curl: no URL specified!\n{TRY}"), 2);
    };
    let show_errors = !o.silent || o.show_error;
    // curl draws its progress meter on stderr when the body does not go to the terminal.
    let meter = !o.silent
        && !o.verbose
        && (o.output.as_deref().is_some_and(|p| p != "-") || !ctx.stdout_is_terminal);
    let fail = |ctx: &mut Ctx, code: i32, message: &str| -> i32 {
        if show_errors {
            ctx.eprint(&format!("curl: ({code}) {message}\n"));
        }
        code
    };
    let url = match parse_url(&raw_url) {
        Ok(u) => u,
        Err((code, message)) => return fail(ctx, code, &message),
    };
    let Some(route) = serve::resolve(ctx.world, &url.host) else {
        if o.verbose {
            ctx.eprint(&format!(
                "* Could not resolve host: {}\n* Closing connection 0\n",
                url.host
            ));
        }
        if meter {
            ctx.eprint(&format!("{METER_HEADER}{}", meter_line(0, 0, 0)));
        }
        return fail(ctx, 6, &format!("Could not resolve host: {}", url.host));
    };
    let request = build_request(&o, &url);
    let local = match route {
        Route::Loopback => true,
        Route::Machine(i) => i == ctx.world.current_index(),
    };
    let ip = match route {
        Route::Loopback if url.host == "::1" || url.host == "[::1]" => "::1".to_string(),
        Route::Loopback => "127.0.0.1".to_string(),
        Route::Machine(_) if local => "127.0.1.1".to_string(),
        Route::Machine(i) => serve::address_of(ctx.world.machine_names()[i]).to_string(),
    };
    if o.verbose {
        ctx.eprint(&format!("*   Trying {ip}:{}...\n", url.port));
    }
    // PostgreSQL listens on localhost:5432 (Debian's listen_addresses); it drops a
    // connection that does not start with its own protocol.
    if route == Route::Loopback && url.port == 5432 {
        if o.verbose {
            let mut v = format!(
                "* Connected to {} ({ip}) port {} (#0)\n> {} {} HTTP/1.1\n",
                url.host, url.port, request.method, request.path
            );
            for (name, value) in &request.headers {
                v.push_str(&format!("> {name}: {value}\n"));
            }
            v.push_str("> \n* Empty reply from server\n* Closing connection 0\n");
            ctx.eprint(&v);
        }
        if meter {
            ctx.eprint(&format!("{METER_HEADER}{}\n", meter_line(0, 0, 0)));
        }
        return fail(ctx, 52, "Empty reply from server");
    }
    let Some(exchange) = serve::exchange(ctx.world, &route, url.port, &request) else {
        let ms = if local { 0 } else { 1 };
        if o.verbose {
            ctx.eprint(&format!(
                "* connect to {ip} port {} failed: Connection refused\n* Failed to connect to {} port {} after {ms} ms: Couldn't connect to server\n* Closing connection 0\n",
                url.port, url.host, url.port
            ));
        }
        if meter {
            ctx.eprint(&format!("{METER_HEADER}{}\n", meter_line(0, 0, 0)));
        }
        return fail(
            ctx,
            7,
            &format!(
                "Failed to connect to {} port {} after {ms} ms: Couldn't connect to server",
                url.host, url.port
            ),
        );
    };
    if o.verbose {
        ctx.eprint(&format!(
            "* Connected to {} ({ip}) port {} (#0)\n",
            url.host, url.port
        ));
    }
    if url.scheme == "https" {
        return fail(ctx, 35, "error:0A00010B:SSL routines::wrong version number");
    }
    if o.verbose {
        let mut v = format!("> {} {} HTTP/1.1\n", request.method, request.path);
        for (name, value) in &request.headers {
            v.push_str(&format!("> {name}: {value}\n"));
        }
        v.push_str("> \n");
        ctx.eprint(&v);
    }
    // The server writes its log before the response leaves.
    if !exchange.server_output.is_empty() {
        ctx.eprint(&exchange.server_output);
    }
    let response = exchange.response;
    if o.verbose {
        let mut v = format!("< {}\n", status_line(&response));
        for (name, value) in &response.headers {
            v.push_str(&format!("< {name}: {value}\n"));
        }
        v.push_str("< \n");
        ctx.eprint(&v);
    }
    if o.fail && response.status >= 400 {
        if o.verbose {
            ctx.eprint("* Closing connection 0\n");
        }
        return fail(
            ctx,
            22,
            &format!("The requested URL returned error: {}", response.status),
        );
    }
    let mut shown = String::new();
    if o.include || o.head {
        shown.push_str(&format!("{}\n", status_line(&response)));
        for (name, value) in &response.headers {
            shown.push_str(&format!("{name}: {value}\n"));
        }
        shown.push('\n');
    }
    if !o.head {
        shown.push_str(&response.body);
    }
    match &o.output {
        Some(path) if path != "-" => {
            if path != "/dev/null" {
                let abs = ctx.path(path);
                let now = ctx.now();
                if let Err(e) = ctx.machine().fs.write(&abs, shown, now) {
                    return fail(
                        ctx,
                        23,
                        &format!(
                            "Failure writing output to destination ({path}: {})",
                            e.describe()
                        ),
                    );
                }
            }
        }
        _ => ctx.print(&shown),
    }
    if o.verbose {
        ctx.eprint("* Closing connection 0\n");
    }
    if meter {
        let sent = request
            .headers
            .iter()
            .find(|(n, _)| n == "Content-Length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let received = if o.head { 0 } else { response.body.len() };
        ctx.eprint(&format!(
            "{METER_HEADER}{}\n",
            meter_line(received, received, sent)
        ));
    }
    if let Some(format) = &o.write_out {
        let text = write_out(format, &response, &raw_url);
        ctx.print(&text);
    }
    0
}

/// The progress meter's two heading lines.
const METER_HEADER: &str = "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n";

/// The meter's last line for a transfer that took about 2 ms (the world has no clock that
/// fine): sizes, percentages and speeds as curl prints them.
fn meter_line(total: usize, received: usize, sent: usize) -> String {
    let percent = |n: usize| if n > 0 { 100 } else { 0 };
    let whole = total + sent;
    format!(
        "{:>3} {}  {:>3} {}  {:>3} {}  {}  {} --:--:-- --:--:-- --:--:-- {}",
        percent(whole),
        max5(whole),
        percent(received),
        max5(received),
        percent(sent),
        max5(sent),
        max5(received * 500),
        max5(sent * 500),
        max5(received * 500),
    )
}

/// curl's `max5data`: a number in at most five characters.
fn max5(n: usize) -> String {
    const K: usize = 1024;
    if n < 100_000 {
        format!("{n:>5}")
    } else if n < 10_000 * K {
        format!("{:>4}k", n / K)
    } else if n < 100 * K * K {
        format!("{:>2}.{}M", n / (K * K), (n % (K * K)) / (K * K / 10))
    } else {
        format!("{:>4}M", n / (K * K))
    }
}

fn build_request(o: &Options, url: &Url) -> Request {
    let body = o.data.join("&");
    let sends_body = !o.data.is_empty() || !o.multipart.is_empty();
    let method = o.method.clone().unwrap_or_else(|| {
        if o.head {
            "HEAD".to_string()
        } else if sends_body {
            "POST".to_string()
        } else {
            "GET".to_string()
        }
    });
    let host = if url.port == 80 {
        url.host.clone()
    } else {
        format!("{}:{}", url.host, url.port)
    };
    let mut headers = vec![
        ("Host".to_string(), host),
        ("User-Agent".to_string(), USER_AGENT.to_string()),
        (
            "Accept".to_string(),
            if o.json { "application/json" } else { "*/*" }.to_string(),
        ),
    ];
    let mut form = Vec::new();
    if !o.multipart.is_empty() {
        // The body curl builds: one part per field between boundary lines.
        let length: usize = o
            .multipart
            .iter()
            .map(|(n, v)| {
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{n}\"\r\n\r\n{v}\r\n"
                )
                .len()
            })
            .sum::<usize>()
            + format!("--{BOUNDARY}--\r\n").len();
        headers.push(("Content-Length".to_string(), length.to_string()));
        headers.push((
            "Content-Type".to_string(),
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ));
        form = o.multipart.clone();
    } else if !o.data.is_empty() {
        headers.push(("Content-Length".to_string(), body.len().to_string()));
        let kind = if o.json {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        headers.push(("Content-Type".to_string(), kind.to_string()));
    }
    for (name, value) in &o.headers {
        match headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(slot) => slot.1 = value.clone(),
            None => headers.push((name.clone(), value.clone())),
        }
    }
    let is_form = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("Content-Type") && v.starts_with("application/x-www-form-urlencoded")
    });
    if is_form {
        form = parse_form(&body);
    }
    Request {
        method,
        path: url.target.clone(),
        form,
        headers,
    }
}

fn status_line(response: &Response) -> String {
    format!("HTTP/1.1 {} {}", response.status, response.reason)
}

/// `-w` with the variables people use and curl's backslash escapes.
fn write_out(format: &str, response: &Response, url: &str) -> String {
    let content_type = response
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Type"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    format
        .replace("%{http_code}", &format!("{:03}", response.status))
        .replace("%{response_code}", &format!("{:03}", response.status))
        .replace("%{content_type}", &content_type)
        .replace("%{size_download}", &response.body.len().to_string())
        .replace("%{url_effective}", url)
        .replace("\\n", "\n")
        .replace("\\t", "\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_as_werkzeug_does() {
        assert_eq!(
            parse_form("name=Ann+Lee&email=ann%40example.com&x"),
            vec![
                ("name".to_string(), "Ann Lee".to_string()),
                ("email".to_string(), "ann@example.com".to_string()),
                ("x".to_string(), String::new()),
            ]
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
    }

    #[test]
    fn urls() {
        let u = parse_url("localhost:5000/users?x=1").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.target.as_str()),
            ("localhost", 5000, "/users?x=1")
        );
        let u = parse_url("http://prod:8000").unwrap();
        assert_eq!((u.port, u.target.as_str()), (8000, "/"));
        assert_eq!(parse_url("http://:80/").err().map(|e| e.0), Some(3));
        assert_eq!(parse_url("ftp://x/").err().map(|e| e.0), Some(1));
        assert_eq!(parse_url("http://x:99999/").err().map(|e| e.0), Some(3));
    }
}

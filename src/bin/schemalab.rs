//! `schemalab`: the native command line. A thin shell over the library:
//! an interactive prompt, script transcripts, benchmarks.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use schemalab::app::{self, State};
use schemalab::bench::{self as sqlbench, Expected, Report, SqlFiles, Workload};
use schemalab::world::{Stream, World, DEFAULT_SEED};

const USAGE: &str = "usage: schemalab [COMMAND]

With no command, an interactive shell on a fresh world (reads standard input).

commands:
  run FILE [--seed N]     run a script of shell inputs and print the transcript
  sql --json FILE         run a .sql file in a fresh database (one statement per line,
                          autocommit) and print one JSON outcome per statement
  mongo FILE [--seed N]   run mongosh lines on a fresh server, print what mongosh would
  bench replay [--team] [--json]
                          time replaying a 500-command session (--team: a
                          fork/merge workshop across the three machines)
  bench --sql DIR [--workload w1|w2|w3|w4|w5|startup|probe|all] [--json]
                          run the SQL workloads on the files gen.mjs wrote in DIR (its pg
                          folder; expected.json beside it or one level up), one JSON line
                          per workload with --json, else a table
  help                    show this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => interactive(),
        Some("run") => run(&args[1..]),
        Some("sql") => sql(&args[1..]),
        Some("mongo") => mongo(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown command '{other}'")),
    }
}

fn usage_error(why: &str) -> ExitCode {
    eprint!("schemalab: {why}\n{USAGE}");
    ExitCode::from(2)
}

fn interactive() -> ExitCode {
    let mut world = World::default();
    let stdin = std::io::stdin();
    let tty = stdin.is_terminal();
    let mut pending = String::new();
    let mut out = std::io::stdout();
    loop {
        if tty {
            let prompt = if pending.is_empty() {
                world.prompt()
            } else {
                world.continuation_prompt().to_string()
            };
            print!("{prompt}");
            let _ = out.flush();
        }
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let line = line.trim_end_matches(['\n', '\r']);
        if pending.is_empty() {
            pending = line.to_string();
        } else {
            pending = format!("{pending}\n{line}");
        }
        if world.needs_more(&pending) {
            continue;
        }
        let input = std::mem::take(&mut pending);
        if input.trim() == "exit" && !world.in_program() && !world.logged_in_remotely() {
            break;
        }
        let outcome = world.run(&input);
        for chunk in &outcome.output.chunks {
            match chunk.stream {
                Stream::Stdout => print!("{}", chunk.text),
                Stream::Stderr | Stream::Hint => eprint!("{}", chunk.text),
            }
        }
        let _ = out.flush();
    }
    if !pending.is_empty() {
        let outcome = world.run(&pending);
        eprint!("{}", outcome.text());
    }
    ExitCode::SUCCESS
}

fn seed_option(args: &[String]) -> Result<u64, String> {
    match args.iter().position(|a| a == "--seed") {
        None => Ok(DEFAULT_SEED),
        Some(i) => args
            .get(i + 1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| "--seed needs a whole number".to_string()),
    }
}

/// The seed and the text of the FILE argument, or the exit code to stop with.
fn seed_and_file(args: &[String], command: &str) -> Result<(u64, String), ExitCode> {
    let seed = seed_option(args).map_err(|why| usage_error(&why))?;
    let file = args
        .iter()
        .enumerate()
        .find(|&(i, a)| {
            let is_seed_value = i > 0 && args[i - 1] == "--seed";
            !a.starts_with("--") && !is_seed_value
        })
        .map(|(_, a)| a);
    let Some(file) = file else {
        return Err(usage_error(&format!("{command} needs a FILE")));
    };
    std::fs::read_to_string(file)
        .map(|text| (seed, text))
        .map_err(|e| {
            eprintln!("schemalab: cannot read {file}: {e}");
            ExitCode::from(2)
        })
}

fn run(args: &[String]) -> ExitCode {
    let (seed, script) = match seed_and_file(args, "run") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut world = World::new(seed);
    print!("{}", app::script::transcript(&mut world, &script));
    ExitCode::SUCCESS
}

fn sql(args: &[String]) -> ExitCode {
    if !args.iter().any(|a| a == "--json") {
        return usage_error("sql needs --json (the only output format)");
    }
    let (_, script) = match seed_and_file(args, "sql") {
        Ok(x) => x,
        Err(code) => return code,
    };
    print!("{}", schemalab::sql::fidelity::run_json(&script));
    ExitCode::SUCCESS
}

fn mongo(args: &[String]) -> ExitCode {
    let (seed, script) = match seed_and_file(args, "mongo") {
        Ok(x) => x,
        Err(code) => return code,
    };
    print!("{}", schemalab::doc::run_script(&script, seed));
    ExitCode::SUCCESS
}

fn bench(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "--sql") {
        return bench_sql(args);
    }
    if args.first().map(String::as_str) != Some("replay") {
        return usage_error("bench needs replay or --sql DIR");
    }
    let json = args.iter().any(|a| a == "--json");
    let team = args.iter().any(|a| a == "--team");
    let (log, workload, what) = if team {
        (
            app::bench::team_session(500),
            "replay500_team",
            "a 500-command team workshop (laptop, teammate, prod)",
        )
    } else {
        (
            app::bench::sample_session(500),
            "replay500",
            "a 500-command session",
        )
    };
    let rounds = if team { 5 } else { 20 };
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        let state = State::replay(DEFAULT_SEED, log.clone());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(state);
    }
    times.sort_by(f64::total_cmp);
    let median = times[rounds / 2];
    if json {
        println!(
            "{{\"workload\": \"{workload}\", \"commands\": 500, \"rounds\": {rounds}, \"median_ms\": {median:.3}, \"min_ms\": {:.3}, \"budget_ms\": 100}}",
            times[0]
        );
    } else {
        println!(
            "replay of {what}: median {median:.2} ms, min {:.2} ms over {rounds} rounds (budget 100 ms)",
            times[0]
        );
    }
    ExitCode::SUCCESS
}

/// The value after `--name`, if the option is given.
fn option<'a>(args: &'a [String], name: &str) -> Result<Option<&'a str>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .map(|v| Some(v.as_str()))
            .ok_or_else(|| format!("{name} needs a value")),
    }
}

/// `bench --sql DIR`: the SQL workloads, each on a fresh session, timed with `Instant`.
fn bench_sql(args: &[String]) -> ExitCode {
    let (dir, which) = match (option(args, "--sql"), option(args, "--workload")) {
        (Ok(Some(dir)), Ok(which)) => (std::path::Path::new(dir), which.unwrap_or("all")),
        (Err(why), _) | (_, Err(why)) => return usage_error(&why),
        (Ok(None), _) => return usage_error("--sql needs a value"),
    };
    let workloads: Vec<Workload> = if which == "all" {
        Workload::ALL.to_vec()
    } else {
        match which.parse() {
            Ok(w) => vec![w],
            Err(why) => return usage_error(&why),
        }
    };
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).map_err(|e| {
            eprintln!("schemalab: cannot read {}: {e}", path.display());
            ExitCode::from(2)
        })
    };
    if let Err(e) = std::fs::read_dir(dir) {
        eprintln!("schemalab: cannot read {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    let beside = dir.join("expected.json");
    let expected_path = if beside.is_file() {
        beside
    } else {
        dir.join("..").join("expected.json")
    };
    let expected = match read(&expected_path).map(|t| Expected::parse(&t)) {
        Ok(Ok(e)) => e,
        Ok(Err(why)) => {
            eprintln!("schemalab: {}: {why}", expected_path.display());
            return ExitCode::from(2);
        }
        Err(code) => return code,
    };
    let json = args.iter().any(|a| a == "--json");
    let epoch = Instant::now();
    let now = move || epoch.elapsed().as_secs_f64() * 1000.0;
    let mut all_ok = true;
    if !json {
        println!(
            "{:<8} {:>4} {:>10} {:>6} {:>10}  steps (ms)",
            "workload", "ok", "work ms", "ops", "setup ms"
        );
    }
    for w in workloads {
        let mut files = SqlFiles::new();
        for &name in w.files() {
            match read(&dir.join(name)) {
                Ok(text) => files.insert(name, text),
                Err(code) => return code,
            }
        }
        let mut report = match sqlbench::run(w, &files, &expected, &now) {
            Ok(r) => r,
            Err(why) => {
                eprintln!("schemalab: {why}");
                return ExitCode::from(2);
            }
        };
        report.peak_rss_mib = peak_rss_mib();
        all_ok &= report.ok;
        if json {
            println!("{}", report.to_json());
        } else {
            print_row(&report);
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One line of the readable table.
fn print_row(r: &Report) {
    let ms = |t: Option<f64>| t.map_or_else(|| "-".to_string(), |t| format!("{t:.3}"));
    let steps = r.steps_ms.as_ref().map_or_else(String::new, |s| {
        s.iter()
            .map(|(k, v)| format!("{k} {:.3}", v.as_f64().unwrap_or(f64::NAN)))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let extra = match (r.first_stmt_ms, r.probes.len()) {
        (Some(t), _) => format!("instantiate {:.3}, SELECT 1 {t:.3}", r.instantiate_ms),
        (None, n) if n > 0 => format!(
            "{n} probes, {} rejected",
            r.probes.iter().filter(|p| !p.ok).count()
        ),
        _ => steps,
    };
    let ops = r.ops.map_or_else(|| "-".to_string(), |n| n.to_string());
    println!(
        "{:<8} {:>4} {:>10} {:>6} {:>10}  {extra}",
        r.workload,
        if r.ok { "yes" } else { "NO" },
        ms(r.work_ms),
        ops,
        ms(r.setup_ms)
    );
    for (name, value) in r.checks.iter().filter(|(k, _)| k.ends_with("_WANTED")) {
        println!("         check failed: {name} = {value}");
    }
    for e in &r.error_samples {
        println!("         first error: {}", e.replace('\n', " "));
    }
}

/// The peak resident memory of this process in MiB (Linux's VmHWM), if readable.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kb: f64 = kb.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}

//! The PostgreSQL client programs: `createdb`, `dropdb` and `psql`, with
//! their own messages and exit statuses (tests/fidelity/psql/commands.out).

use super::Command;
use crate::world::ctx::Ctx;
use crate::world::output::Stream;
use crate::world::psql::{connection_error, Client, Flow};
use crate::world::Foreground;

/// `createdb [DBNAME]`
pub const CREATEDB: Command = Command {
    name: "createdb",
    synopsis: "createdb [OPTION]... [DBNAME] [DESCRIPTION]",
    summary: "Create a new PostgreSQL database (the empty container: only the public schema).",
    run: createdb,
};

/// `dropdb [--if-exists] DBNAME`
pub const DROPDB: Command = Command {
    name: "dropdb",
    synopsis: "dropdb [OPTION]... DBNAME",
    summary: "Remove a PostgreSQL database and everything in it.",
    run: dropdb,
};

/// `psql [DBNAME] [-c SQL]`
pub const PSQL: Command = Command {
    name: "psql",
    synopsis: "psql [OPTION]... [DBNAME [USERNAME]]",
    summary: "The PostgreSQL interactive terminal: `psql app`, or one statement with `psql app -c \"SQL\"`.",
    run: psql,
};

/// Options common to the client programs; connection options are accepted and
/// ignored, because the lab has one local server.
struct ClientArgs {
    positional: Vec<String>,
    commands: Vec<String>,
    file: Option<String>,
    dbname: Option<String>,
    if_exists: bool,
    list: bool,
}

fn parse_args(ctx: &mut Ctx, program: &str, args: &[String]) -> Result<ClientArgs, i32> {
    let mut parsed = ClientArgs {
        positional: Vec::new(),
        commands: Vec::new(),
        file: None,
        dbname: None,
        if_exists: false,
        list: false,
    };
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg, None),
        };
        let takes_value = matches!(
            flag,
            "-c" | "--command"
                | "-d"
                | "--dbname"
                | "-f"
                | "--file"
                | "-U"
                | "--username"
                | "-h"
                | "--host"
                | "-p"
                | "--port"
                | "-O"
                | "--owner"
                | "-T"
                | "--template"
                | "-E"
                | "--encoding"
        );
        if takes_value {
            let value = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    match args.get(i) {
                        Some(v) => v.clone(),
                        None => {
                            ctx.eprint(&format!(
                                "{program}: error: option requires an argument -- '{}'\n{program}: hint: Try \"{program} --help\" for more information.\n",
                                flag.trim_start_matches('-')
                            ));
                            return Err(1);
                        }
                    }
                }
            };
            match flag {
                "-c" | "--command" => parsed.commands.push(value),
                "-d" | "--dbname" => parsed.dbname = Some(value),
                "-f" | "--file" => parsed.file = Some(value),
                _ => {}
            }
        } else if flag == "--if-exists" {
            parsed.if_exists = true;
        } else if flag == "-l" || flag == "--list" {
            parsed.list = true;
        } else if flag == "--help" {
            ctx.print(&format!("Usage:\n  {}\n", synopsis(program)));
            return Err(0);
        } else if flag == "-V" || flag == "--version" {
            ctx.print(&format!(
                "{program} (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"
            ));
            return Err(0);
        } else if arg.starts_with('-')
            && arg.len() > 1
            && !matches!(
                arg,
                "-X" | "-q" | "-w" | "-e" | "-a" | "--no-psqlrc" | "--quiet"
            )
        {
            ctx.eprint(&format!(
                "{program}: error: invalid option -- '{}'\n{program}: hint: Try \"{program} --help\" for more information.\n",
                arg.trim_start_matches('-')
            ));
            return Err(1);
        } else if !arg.starts_with('-') {
            parsed.positional.push(arg.to_string());
        }
        i += 1;
    }
    Ok(parsed)
}

fn synopsis(program: &str) -> &'static str {
    match program {
        "createdb" => CREATEDB.synopsis,
        "dropdb" => DROPDB.synopsis,
        _ => PSQL.synopsis,
    }
}

/// The user the clients connect as: `PGUSER`, else the login name.
fn user(ctx: &Ctx) -> String {
    ctx.getenv("PGUSER")
        .or_else(|| ctx.getenv("USER"))
        .unwrap_or_else(|| crate::world::machine::USER.to_string())
}

/// A database argument: a name, or a `postgresql://host/db` URI as libpq reads it.
fn database_name(arg: &str) -> String {
    for scheme in ["postgresql://", "postgres://"] {
        if let Some(rest) = arg.strip_prefix(scheme) {
            let path = rest.split_once('/').map_or("", |(_, p)| p);
            return path.split('?').next().unwrap_or_default().to_string();
        }
    }
    arg.to_string()
}

fn createdb(ctx: &mut Ctx, args: &[String]) -> i32 {
    let parsed = match parse_args(ctx, "createdb", args) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let name = parsed
        .dbname
        .or_else(|| parsed.positional.first().cloned())
        .unwrap_or_else(|| user(ctx));
    match ctx.machine().postgres.create_database(&name) {
        Ok(()) => 0,
        Err(e) => ctx.fail(
            &format!(
                "createdb: error: database creation failed: ERROR:  {}",
                e.message
            ),
            1,
        ),
    }
}

fn dropdb(ctx: &mut Ctx, args: &[String]) -> i32 {
    let parsed = match parse_args(ctx, "dropdb", args) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let Some(name) = parsed.positional.first().cloned() else {
        ctx.eprint("dropdb: error: missing required argument database name\ndropdb: hint: Try \"dropdb --help\" for more information.\n");
        return 1;
    };
    let exists = ctx.machine_ref().postgres.session(&name).is_some();
    if !exists && parsed.if_exists {
        ctx.eprint(&format!(
            "NOTICE:  database \"{name}\" does not exist, skipping\n"
        ));
        return 0;
    }
    match ctx.machine().postgres.drop_database(&name) {
        Ok(()) => 0,
        Err(e) => ctx.fail(
            &format!(
                "dropdb: error: database removal failed: ERROR:  {}",
                e.message
            ),
            1,
        ),
    }
}

fn psql(ctx: &mut Ctx, args: &[String]) -> i32 {
    let parsed = match parse_args(ctx, "psql", args) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let user = parsed
        .positional
        .get(1)
        .cloned()
        .unwrap_or_else(|| user(ctx));
    let database = parsed
        .dbname
        .clone()
        .or_else(|| parsed.positional.first().cloned())
        .or_else(|| ctx.getenv("PGDATABASE"))
        .map(|d| database_name(&d))
        .unwrap_or_else(|| user.clone());
    let database = if parsed.list {
        "postgres".to_string()
    } else {
        database
    };
    if ctx.machine_ref().postgres.session(&database).is_none() {
        ctx.eprint(&connection_error(&database));
        return 2;
    }
    let mut client = Client::new(&database, &user, None);
    let mut out = std::mem::take(&mut ctx.out);
    let cluster = &mut ctx.world.machine_mut().postgres;
    let status = if parsed.list {
        client.command(cluster, "\\l", &mut out);
        0
    } else if !parsed.commands.is_empty() {
        for command in &parsed.commands {
            client.command(cluster, command, &mut out);
            if client.failed {
                break;
            }
        }
        client.disconnect(cluster);
        i32::from(client.failed)
    } else if let Some(input) = ctx.stdin.clone() {
        run_script(client, cluster, "<stdin>", &input, &mut out)
    } else if let Some(file) = parsed.file.clone() {
        let path = crate::world::fs::normalize(&ctx.world.machine().cwd, &file);
        match ctx.world.machine().fs.read(&path).map(str::to_string) {
            Ok(text) => {
                let cluster = &mut ctx.world.machine_mut().postgres;
                run_script(client, cluster, &file, &text, &mut out)
            }
            Err(e) => {
                out.push(
                    Stream::Stderr,
                    &format!("psql: error: {file}: {}\n", e.describe()),
                );
                1
            }
        }
    } else {
        out.push(Stream::Stdout, &Client::banner());
        ctx.world.foreground = Some(Foreground::Psql(client));
        0
    };
    ctx.out = out;
    status
}

/// psql reading a script: no prompts, errors prefixed with `psql:NAME:LINE:`,
/// and a last statement without `;` still runs at the end of the input.
fn run_script(
    mut client: Client,
    cluster: &mut crate::sql::Cluster,
    name: &str,
    text: &str,
    out: &mut crate::world::output::Output,
) -> i32 {
    client = Client::new(&client.database, &client.user, Some(name.to_string()));
    for line in text.lines() {
        if let Flow::Quit = client.input(cluster, line, out) {
            client.disconnect(cluster);
            return 0;
        }
    }
    client.input(cluster, "\\g", out);
    client.disconnect(cluster);
    0
}

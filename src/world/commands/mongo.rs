//! `mongosh`: the MongoDB shell. Interactive (`mongosh` takes over the
//! terminal until `exit`), one-shot (`mongosh shop --eval '…'`) or scripted
//! (lines on standard input).

use super::Command;
use crate::doc::Shell;
use crate::world::ctx::Ctx;
use crate::world::output::Stream;
use crate::world::Foreground;

/// `mongosh [DB|URI] [--eval CODE] [--quiet]`
pub const MONGOSH: Command = Command {
    name: "mongosh",
    synopsis: "mongosh [options] [db address]",
    summary: "The MongoDB shell: `mongosh`, `mongosh shop`, or `mongosh shop --quiet --eval 'db.users.find()'`.",
    run: mongosh,
};

const VERSION: &str = "2.3.8";
const SERVER: &str = "8.0.4";

/// The database named by `shop`, `localhost/shop` or `mongodb://localhost:27017/shop`.
fn database_of(address: &str) -> String {
    let rest = address
        .strip_prefix("mongodb://")
        .map(|r| r.split_once('/').map_or("", |(_, db)| db))
        .unwrap_or_else(|| address.rsplit('/').next().unwrap_or(address));
    let db = rest.split('?').next().unwrap_or_default();
    if db.is_empty() {
        "test".to_string()
    } else {
        db.to_string()
    }
}

fn mongosh(ctx: &mut Ctx, args: &[String]) -> i32 {
    let mut quiet = false;
    let mut evals = Vec::new();
    let mut address = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--quiet" => quiet = true,
            "--eval" => {
                i += 1;
                match args.get(i) {
                    Some(code) => evals.push(code.clone()),
                    None => return ctx.fail(
                        "MongoshInvalidInputError: [COMMON-10001] Missing required argument: eval",
                        1,
                    ),
                }
            }
            "--help" | "-h" => {
                ctx.print(&format!(
                    "\n  {}\n\n  {}\n",
                    MONGOSH.synopsis, MONGOSH.summary
                ));
                return 0;
            }
            "--version" => {
                ctx.print(&format!("{VERSION}\n"));
                return 0;
            }
            flag if flag.starts_with("--") => {
                return ctx.fail(
                    &format!("MongoshUnimplementedError: [COMMON-90001] unknown option {flag}"),
                    1,
                )
            }
            other => address = Some(other.to_string()),
        }
        i += 1;
    }
    let database = database_of(address.as_deref().unwrap_or("test"));
    if !quiet {
        let log_id = ctx.world.ids.hex(24);
        ctx.print(&format!(
            "Current Mongosh Log ID:\t{log_id}\nConnecting to:\t\tmongodb://127.0.0.1:27017/{}?directConnection=true&serverSelectionTimeoutMS=2000&appName=mongosh+{VERSION}\nUsing MongoDB:\t\t{SERVER}\nUsing Mongosh:\t\t{VERSION}\n\nFor mongosh info see: https://www.mongodb.com/docs/mongodb-shell/\n\n",
            if database == "test" { "" } else { &database },
        ));
    }
    let mut shell = Shell::new();
    let now_ms = ctx.now() * 1000;
    let store = &mut ctx.world.machine_mut().mongo;
    store.set_clock(now_ms);
    if database != "test" {
        shell.eval(store, &format!("use {database}"));
    }
    if !evals.is_empty() {
        let mut status = 0;
        for code in evals {
            let store = &mut ctx.world.machine_mut().mongo;
            match shell.run(store, &code) {
                Ok(outcome) if outcome.output.is_empty() => {}
                Ok(outcome) => ctx.print(&format!("{}\n", outcome.output)),
                Err(error) => status = ctx.fail(&error.shell_text(), 1),
            }
        }
        return status;
    }
    let Some(lines) = ctx
        .stdin
        .as_ref()
        .map(|s| s.lines().map(str::to_string).collect::<Vec<_>>())
    else {
        ctx.world.foreground = Some(Foreground::Mongosh(shell));
        return 0;
    };
    let mut status = 0;
    for line in lines {
        let store = &mut ctx.world.machine_mut().mongo;
        let reply = shell.eval(store, &line);
        if !reply.output.is_empty() {
            let stream = if reply.ok {
                Stream::Stdout
            } else {
                Stream::Stderr
            };
            ctx.out.push(stream, &format!("{}\n", reply.output));
        }
        if !reply.ok {
            status = 1;
        }
        if reply.exit {
            break;
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::database_of;

    #[test]
    fn addresses_name_a_database() {
        for (address, db) in [
            ("shop", "shop"),
            ("localhost/shop", "shop"),
            ("mongodb://localhost:27017/shop?retryWrites=true", "shop"),
            ("mongodb://localhost:27017", "test"),
        ] {
            assert_eq!(database_of(address), db, "{address}");
        }
    }
}

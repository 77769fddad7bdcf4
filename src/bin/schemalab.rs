//! `schemalab`: the native command line. A thin shell over the library:
//! an interactive prompt, script transcripts, benchmarks.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use schemalab::app::{self, State};
use schemalab::world::{Stream, World, DEFAULT_SEED};

const USAGE: &str = "usage: schemalab [COMMAND]

With no command, an interactive shell on a fresh world (reads standard input).

commands:
  run FILE [--seed N]     run a script of shell inputs and print the transcript
  sql --json FILE         run a .sql file in a fresh database (one statement per line,
                          autocommit) and print one JSON outcome per statement
  mongo FILE [--seed N]   run mongosh lines on a fresh server, print what mongosh would
  bench replay [--json]   time replaying a 500-command session
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
    if args.first().map(String::as_str) != Some("replay") {
        return usage_error("bench needs a workload: replay");
    }
    let json = args.iter().any(|a| a == "--json");
    let log = app::bench::sample_session(500);
    let rounds = 20;
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
            "{{\"workload\": \"replay500\", \"commands\": 500, \"rounds\": {rounds}, \"median_ms\": {median:.3}, \"min_ms\": {:.3}, \"budget_ms\": 100}}",
            times[0]
        );
    } else {
        println!(
            "replay of a 500-command session: median {median:.2} ms, min {:.2} ms over {rounds} rounds (budget 100 ms)",
            times[0]
        );
    }
    ExitCode::SUCCESS
}

//! Property tests: no input panics the shell, a failing command leaves the
//! world as it was, and replaying a log gives the same world as living it.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use schemalab::app::{self, State};
use schemalab::world::World;

/// Lines people type, to mutate.
const CORPUS: &[&str] = &[
    "cat > models.py <<'EOF'\nclass User(db.Model):\n    id = 1\nEOF",
    "echo \"hello $USER\" > out.txt && cat out.txt || echo failed",
    "A=1 B='two words' env | cat",
    "ls -la ~/app; cd .. && pwd",
    "mkdir -p a/b/c && cp -r a d && rm -rf a",
    "db.users.insertOne({name: 'Ada', age: 36})",
    "INSERT INTO users (name) VALUES ('Ada');",
    "cat <<EOF\n$HOME ${USER} $?\nEOF",
    "echo 'unterminated",
    "export X=\"a b\"; unset X; history",
];

/// Statements people type into psql, to mutate.
const SQL: &[&str] = &[
    "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com'), ('Grace', NULL);",
    "SELECT u.name, count(*) FROM users u WHERE u.id > 1 GROUP BY u.name ORDER BY 2 DESC;",
    "ALTER TABLE users ADD COLUMN age integer NOT NULL DEFAULT 0;",
    "BEGIN; UPDATE users SET name = 'x' WHERE id = 1; ROLLBACK;",
    "\\d users",
    "SELECT 'it''s', $$dollar$$, \"quoted id\" FROM users;",
];

fn mutate(line: &str, cut: usize, splice: &str, flip: usize) -> String {
    let mut bytes = line.as_bytes().to_vec();
    if !bytes.is_empty() {
        let i = flip % bytes.len();
        bytes[i] ^= 0x20;
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let cut = text
        .char_indices()
        .map(|(i, _)| i)
        .nth(cut % text.chars().count().max(1))
        .unwrap_or(0);
    format!("{}{}{}", &text[..cut], splice, &text[cut..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_input_never_panics(input in "\\PC{0,80}") {
        let mut world = World::default();
        let _ = world.needs_more(&input);
        let _ = world.complete(&input);
        let outcome = world.run(&input);
        prop_assert!(outcome.exit_code >= 0);
    }

    #[test]
    fn shell_like_input_never_panics(input in "[a-z $'\"\\\\|&;<>(){}~*?#=\n-]{0,60}") {
        let mut world = World::default();
        let _ = world.needs_more(&input);
        let _ = world.run(&input);
    }

    #[test]
    fn mutated_corpus_lines_never_panic(
        which in 0..CORPUS.len(),
        cut in 0usize..200,
        splice in "[\\PC\n]{0,6}",
        flip in 0usize..200,
    ) {
        let line = mutate(CORPUS[which], cut, &splice, flip);
        let mut world = World::default();
        let _ = world.needs_more(&line);
        let _ = world.run(&line);
    }

    #[test]
    fn any_line_in_psql_or_mongosh_never_panics(
        program in 0usize..2,
        lines in prop::collection::vec("[\\PC\n]{0,40}", 1..6),
    ) {
        let mut world = World::default();
        world.run("createdb app");
        world.run(if program == 0 { "psql app" } else { "mongosh" });
        prop_assert!(world.in_program());
        for line in &lines {
            let _ = world.prompt();
            let _ = world.run(line);
        }
        world.run(if program == 0 { "\\q" } else { "exit" });
    }

    #[test]
    fn mutated_sql_through_psql_never_panics(
        which in 0..SQL.len(),
        cut in 0usize..200,
        splice in "[\\PC\n]{0,6}",
        flip in 0usize..200,
    ) {
        let mut world = World::default();
        world.run("createdb app");
        world.run("psql app");
        world.run("CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE);");
        let line = mutate(SQL[which], cut, &splice, flip);
        for part in line.split('\n') {
            let _ = world.run(part);
        }
        let _ = world.run(";");
        let _ = world.run("\\d users");
    }

    #[test]
    fn a_failing_command_leaves_the_world_as_it_was(
        template in 0usize..8,
        name in "[a-z]{1,8}",
    ) {
        let name = format!("missing_{name}");
        let line = match template {
            0 => format!("cat {name}"),
            1 => format!("cd {name}"),
            2 => format!("rm {name}"),
            3 => format!("mkdir {name}/sub"),
            4 => format!("ls {name}"),
            5 => format!("mv {name} elsewhere"),
            6 => format!("cp {name} elsewhere"),
            _ => format!("{name} --flag"),
        };
        let mut world = World::default();
        let before = world.machine().clone();
        let outcome = world.run(&line);
        prop_assert_ne!(outcome.exit_code, 0, "{} succeeded", line);
        let after = world.machine();
        prop_assert_eq!(&before.fs, &after.fs);
        prop_assert_eq!(&before.vars, &after.vars);
        prop_assert_eq!(&before.cwd, &after.cwd);
    }

    #[test]
    fn replay_gives_the_world_that_was_lived(steps in prop::collection::vec(0usize..10, 1..30)) {
        let sample = app::bench::sample_session(10);
        let log: Vec<String> = steps.iter().map(|&i| sample[i].clone()).collect();
        let mut lived = State::default();
        for line in &log {
            lived = app::reduce(lived, app::Action::Submit(line.clone()));
        }
        let replayed = State::replay(lived.seed, log);
        let (a, b) = (lived.world.machine(), replayed.world.machine());
        prop_assert_eq!(&a.fs, &b.fs);
        prop_assert_eq!(&a.vars, &b.vars);
        prop_assert_eq!(&a.cwd, &b.cwd);
        prop_assert_eq!(&a.history, &b.history);
        prop_assert_eq!(a.mongo.dump(), b.mongo.dump());
        prop_assert_eq!(lived.transcript, replayed.transcript);
    }
}

//! Property tests for git: random git command lines never panic, and a git
//! command that fails leaves every repository (the machine's and the
//! world's hosted ones) as it was. Merges, pulls and `stash pop` may stop on
//! a conflict with exit 1 and a changed index, as git does, so they are
//! left out of the second property.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use schemalab::world::World;

const SUBCOMMANDS: &[&str] = &[
    "init", "clone", "status", "add", "rm", "mv", "restore", "commit", "log", "show", "diff",
    "branch", "checkout", "switch", "merge", "fetch", "pull", "push", "remote", "reset", "stash",
    "config", "nosuch",
];

const WORDS: &[&str] = &[
    "-m",
    "msg",
    "-a",
    "-am",
    "--oneline",
    "--graph",
    "--all",
    "-p",
    "--staged",
    "-b",
    "-c",
    "-d",
    "-D",
    "--no-ff",
    "--abort",
    "-u",
    "-v",
    "--hard",
    "--soft",
    "push",
    "pop",
    "list",
    "add",
    "remove",
    "origin",
    "main",
    "feature",
    "HEAD",
    "HEAD~1",
    "HEAD~9",
    "models.py",
    "app.py",
    "nosuch.py",
    ".",
    "..",
    "/",
    "--",
    "-",
    "git@github.com:team/app.git",
    "git@github.com:team/other.git",
    "migrations",
    "-q",
    "--cached",
    "-r",
    "user.name",
    "Ada",
    "origin/main",
    "@",
    "~",
    "^",
    "--source=HEAD",
    "-n",
    "2",
    "-3",
    "--stat",
    "x:y",
    "main:main",
];

/// Whole lines that change state or fail in interesting ways.
const LINES: &[&str] = &[
    "echo x >> models.py",
    "echo y > new.py",
    "git add .",
    "git commit -qam change",
    "git commit -m again",
    "git switch feature",
    "git switch main",
    "git switch -c other",
    "git merge feature",
    "git merge --abort",
    "git push",
    "git push origin x:y",
    "git push origin nosuch",
    "git push origin feature",
    "git pull",
    "git pull origin nosuch",
    "git fetch nosuch",
    "git stash",
    "git stash pop",
    "git reset --hard HEAD~1",
    "git branch -d feature",
    "git checkout HEAD~1",
    "git rm nosuch.py",
    "git restore nosuch.py",
    "git clone git@github.com:team/app.git /tmp/c && cd /tmp/c && echo z >> models.py && git commit -qam z && git push; cd ~/app",
];

/// A world with a repository that has history, a branch, a remote and a
/// local change, so commands have something to act on: the lab's clone of
/// `origin`, one more commit pushed.
fn world() -> World {
    let mut world = World::default();
    for line in [
        "git config --global user.name Ada && git config --global user.email ada@example.com",
        "echo '# Start' > README.md && git add . && git commit -qm Start",
        "git push -q",
        "git switch -qc feature && echo '# f' >> models.py && git commit -qam Feature",
        "git switch -q main && echo '# m' >> app.py",
    ] {
        let outcome = world.run(line);
        assert_eq!(outcome.exit_code, 0, "{line}: {}", outcome.text());
    }
    world
}

fn line(sub: usize, words: &[usize]) -> String {
    if sub % 2 == 0 {
        return LINES[(sub / 2) % LINES.len()].to_string();
    }
    let mut line = format!("git {}", SUBCOMMANDS[sub % SUBCOMMANDS.len()]);
    for w in words {
        line.push(' ');
        line.push_str(WORDS[w % WORDS.len()]);
    }
    line
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_git_lines_never_panic(
        commands in prop::collection::vec((0usize..100, prop::collection::vec(0usize..100, 0..5)), 1..8),
        raw in "\\PC{0,40}",
    ) {
        let mut world = world();
        for (sub, words) in &commands {
            let outcome = world.run(&line(*sub, words));
            prop_assert!(outcome.exit_code >= 0);
        }
        let outcome = world.run(&format!("git {raw}"));
        prop_assert!(outcome.exit_code >= 0);
    }

    #[test]
    fn failing_git_commands_change_nothing(
        commands in prop::collection::vec((0usize..100, prop::collection::vec(0usize..100, 0..5)), 1..8),
    ) {
        let mut world = world();
        for (sub, words) in &commands {
            let line = line(*sub, words);
            let repos = world.machine().repos.clone();
            let remotes = world.remotes.clone();
            let outcome = world.run(&line);
            let may_stop_midway = ["merge", "pull", "stash"]
                .iter()
                .any(|s| line.starts_with(&format!("git {s}")));
            if outcome.exit_code != 0 && !may_stop_midway {
                prop_assert!(world.machine().repos == repos, "{line} changed a repository: {}", outcome.text());
                prop_assert!(world.remotes == remotes, "{line} changed a remote: {}", outcome.text());
            }
        }
    }
}

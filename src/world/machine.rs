//! One simulated computer: its files, its shell's variables and history.

use super::fs::Fs;
use super::process::Processes;
use super::project;
use super::vars::Vars;
use crate::doc::Store;
use crate::sql::Cluster;

/// The learner's account on every machine.
pub const USER: &str = "learner";
/// The learner's home directory.
pub const HOME: &str = "/home/learner";
/// Where the Flask project lives.
pub const APP_DIR: &str = "/home/learner/app";

/// A machine of the world: `laptop`, `teammate` or `prod`.
#[derive(Clone, Debug)]
pub struct Machine {
    /// The host name in the prompt; never empty.
    pub name: String,
    /// Files.
    pub fs: Fs,
    /// Shell variables and the environment.
    pub vars: Vars,
    /// The working directory: absolute, normalised, an existing directory when set by `cd`.
    pub cwd: String,
    /// Lines the learner typed, in order (`history`).
    pub history: Vec<String>,
    /// `$?`.
    pub last_status: i32,
    /// The PostgreSQL server on localhost:5432: its databases.
    pub postgres: Cluster,
    /// The MongoDB server on localhost:27017.
    pub mongo: Store,
    /// git repositories, by the absolute path of their work tree.
    pub repos: super::git::Repos,
    /// Running programs (web servers, their workers), jobs and services.
    pub processes: Processes,
}

impl Machine {
    /// The learner's laptop as the lab starts: the seed's Flask project in
    /// `~/app`, no `migrations/` folder, no database. `seed` seeds its
    /// servers' ids.
    pub fn laptop(now: i64, seed: u64) -> Self {
        Machine::with_project("laptop", now, seed)
    }

    /// The teammate's laptop: the same project, its own files and servers.
    pub fn teammate(now: i64, seed: u64) -> Self {
        Machine::with_project("teammate", now, seed.wrapping_add(1))
    }

    /// The production server: the project, and an empty database `app` that
    /// its operators created.
    pub fn prod(now: i64, seed: u64) -> Self {
        let mut machine = Machine::with_project("prod", now, seed.wrapping_add(2));
        // A fresh cluster has no database named app, so creating it cannot fail.
        let _ = machine.postgres.create_database("app");
        machine
    }

    /// A machine named `name` with the project in `~/app`, the shell there.
    fn with_project(name: &str, now: i64, seed: u64) -> Self {
        let mut fs = Fs::default();
        for dir in ["/tmp", "/usr/bin", HOME, APP_DIR] {
            // The paths are constants below the root, so creating them cannot fail.
            let _ = fs.mkdir_all(dir, now);
        }
        for (name, content) in project::FILES {
            let _ = fs.write(&format!("{APP_DIR}/{name}"), content.to_string(), now);
        }
        let mut vars = Vars::default();
        for (name, value) in [
            ("HOME", HOME),
            ("USER", USER),
            ("LOGNAME", USER),
            ("SHELL", "/bin/bash"),
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
            ("LANG", "C.UTF-8"),
            ("PWD", APP_DIR),
            ("DATABASE_URL", "postgresql+psycopg2://localhost/app"),
            ("FLASK_APP", "app.py"),
        ] {
            vars.export(name, Some(value));
        }
        Machine {
            name: name.to_string(),
            fs,
            vars,
            cwd: APP_DIR.to_string(),
            history: Vec::new(),
            last_status: 0,
            postgres: Cluster::default(),
            mongo: Store::new(seed),
            repos: Default::default(),
            processes: Processes::new(seed),
        }
    }

    /// The home directory (`$HOME`, or the learner's home when unset).
    pub fn home(&self) -> String {
        self.vars.get("HOME").unwrap_or(HOME).to_string()
    }

    /// The working directory as the prompt shows it, `~` for the home.
    pub fn display_cwd(&self) -> String {
        let home = self.home();
        if self.cwd == home {
            "~".to_string()
        } else if let Some(rest) = self.cwd.strip_prefix(&format!("{home}/")) {
            format!("~/{rest}")
        } else {
            self.cwd.clone()
        }
    }

    /// bash's prompt: `learner@laptop:~/app$ `.
    pub fn prompt(&self) -> String {
        format!("{USER}@{}:{}$ ", self.name, self.display_cwd())
    }
}

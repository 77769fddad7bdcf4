//! One simulated computer: its files, its shell's variables and history.

use super::fs::Fs;
use super::git::{self, Repo};
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
    /// The learner's laptop as the lab starts: `~/app` cloned from `origin`
    /// (the seed's Flask project, no `migrations/` folder), no database.
    /// `seed` seeds its servers' ids.
    pub fn laptop(now: i64, seed: u64, origin: &Repo) -> Self {
        Machine::with_clone("laptop", now, seed, origin)
    }

    /// The teammate's laptop: its own clone, files and servers.
    pub fn teammate(now: i64, seed: u64, origin: &Repo) -> Self {
        Machine::with_clone("teammate", now, seed.wrapping_add(1), origin)
    }

    /// The production server: its clone, and an empty database `app` that
    /// its operators created.
    pub fn prod(now: i64, seed: u64, origin: &Repo) -> Self {
        let mut machine = Machine::with_clone("prod", now, seed.wrapping_add(2), origin);
        // A fresh cluster has no database named app, so creating it cannot fail.
        let _ = machine.postgres.create_database("app");
        machine
    }

    /// A machine named `name` whose `~/app` is a clone of `origin`, as
    /// `git clone` in the home directory leaves it, and whose
    /// `~/.gitconfig` names its user; the shell is in `~/app`.
    fn with_clone(name: &str, now: i64, seed: u64, origin: &Repo) -> Self {
        let mut machine = Machine::empty(name, now, seed);
        let _ = machine
            .fs
            .write(&format!("{HOME}/.gitconfig"), gitconfig(name), now);
        let repo = git::clone_repo(origin, git::ORIGIN_URL);
        git::check_out_clone(&mut machine, APP_DIR, repo, now);
        for file in project::EXECUTABLE {
            // The clone has just written the file, so it exists.
            let _ = machine
                .fs
                .set_executable(&format!("{APP_DIR}/{file}"), true);
        }
        machine.cwd = APP_DIR.to_string();
        machine.vars.set("PWD", APP_DIR);
        machine
    }

    /// A machine named `name` as a fresh account on a fresh system has it:
    /// an empty home, no `~/.gitconfig`, no project, the shell at home.
    pub fn empty(name: &str, now: i64, seed: u64) -> Self {
        let mut fs = Fs::default();
        for dir in ["/tmp", "/usr/bin", HOME] {
            // The paths are constants below the root, so creating them cannot fail.
            let _ = fs.mkdir_all(dir, now);
        }
        let mut vars = Vars::default();
        for (name, value) in [
            ("HOME", HOME),
            ("USER", USER),
            ("LOGNAME", USER),
            ("SHELL", "/bin/bash"),
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
            ("LANG", "C.UTF-8"),
            ("PWD", HOME),
            ("DATABASE_URL", "postgresql+psycopg2://localhost/app"),
            ("FLASK_APP", "app.py"),
        ] {
            vars.export(name, Some(value));
        }
        Machine {
            name: name.to_string(),
            fs,
            vars,
            cwd: HOME.to_string(),
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

/// `~/.gitconfig` on the machine `name`, in git's layout: its user and
/// `pull.rebase false` (pulls merge).
fn gitconfig(name: &str) -> String {
    let (user, email) = project::USERS
        .iter()
        .find(|(machine, _, _)| *machine == name)
        .map_or((USER, ""), |(_, user, email)| (*user, *email));
    format!("[user]\n\tname = {user}\n\temail = {email}\n[pull]\n\trebase = false\n")
}

#[cfg(test)]
mod tests {
    use crate::world::World;

    #[test]
    fn every_machine_starts_with_a_clone_of_origin() {
        let mut world = World::default();
        let check =
            "cd ~/app && git status -sb && git log --oneline && ls -a && git config user.name";
        for (host, user) in [
            ("laptop", "Ada Lovelace"),
            ("teammate", "Grace Hopper"),
            ("prod", "Ops"),
        ] {
            let line = match host {
                "laptop" => check.to_string(),
                _ => format!("ssh {host} '{check}'"),
            };
            let outcome = world.run(&line);
            assert_eq!(outcome.exit_code, 0, "{host}: {}", outcome.text());
            assert_eq!(
                outcome.text(),
                format!(
                    "## main...origin/main\n\
                     1d09b4b (HEAD -> main, origin/main, origin/HEAD) Start the Flask app\n\
                     .  ..  .git  .gitignore  app.py  entrypoint.sh  models.py  requirements.txt\n\
                     {user}\n"
                ),
                "{host}"
            );
        }
        let laptop = world.run("psql app -c 'select 1'");
        assert_ne!(laptop.exit_code, 0, "the laptop has no database yet");
        let prod = world.run(r"ssh prod 'psql app -c \\dt'");
        assert_eq!(prod.text(), "Did not find any relations.\n");
    }
}

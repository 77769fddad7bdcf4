//! Every way a git command fails before it changes anything, worded as git
//! 2.47 words it. A failure prints its text on standard error and exits with
//! its status; the repository is left as it was.

use std::fmt;

/// A failed git command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitError {
    /// What git prints on standard output before it fails (often nothing).
    pub stdout: String,
    /// What git prints on standard error, newline-terminated lines.
    pub text: String,
    /// The exit status (128 for `fatal:`, 129 for usage, 1 otherwise).
    pub status: i32,
    /// Advice from the lab itself (not git), shown on the hint stream.
    pub lab_hint: String,
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl GitError {
    fn new(text: String, status: i32) -> Self {
        GitError {
            stdout: String::new(),
            text,
            status,
            lab_hint: String::new(),
        }
    }

    /// `fatal: MESSAGE`, exit 128.
    pub fn fatal(message: &str) -> Self {
        Self::new(format!("fatal: {message}\n"), 128)
    }

    /// `error: MESSAGE`, exit 1.
    pub fn error(message: &str) -> Self {
        Self::new(format!("error: {message}\n"), 1)
    }

    /// Text printed as is with a status, for git's multi-line refusals.
    pub fn raw(text: String, status: i32) -> Self {
        Self::new(text, status)
    }

    /// Outside any work tree.
    pub fn not_a_repository() -> Self {
        Self::fatal("not a git repository (or any of the parent directories): .git")
    }

    /// `git nosuch`.
    pub fn unknown_command(name: &str) -> Self {
        Self::new(
            format!("git: '{name}' is not a git command. See 'git --help'.\n"),
            1,
        )
    }

    /// An option the subcommand does not know; `usage` is its usage line
    /// (`git commit [<options>]`), and git's full `-h` text follows the
    /// error where it is recorded.
    pub fn unknown_option(option: &str, usage: &str) -> Self {
        let subcommand = usage.split_whitespace().nth(1).unwrap_or_default();
        if subcommand == "log" || subcommand == "show" {
            return Self::fatal(&format!("unrecognized argument: {option}"));
        }
        let what = match option.strip_prefix("--") {
            Some(long) => format!("unknown option `{long}'"),
            None => format!(
                "unknown switch `{}'",
                option.trim_start_matches('-').chars().next().unwrap_or('-')
            ),
        };
        match super::usage::full(subcommand) {
            Some(text) => Self::new(format!("error: {what}\n{text}"), 129),
            None => Self::new(format!("error: {what}\nusage: {usage}\n"), 129),
        }
    }

    /// An option that needs a value was given none.
    pub fn needs_value(option: &str) -> Self {
        let what = match option.strip_prefix("--") {
            Some(long) => format!("option `{long}'"),
            None => format!("switch `{}'", option.trim_start_matches('-')),
        };
        Self::new(format!("error: {what} requires a value\n"), 129)
    }

    /// A pathspec that matches nothing.
    pub fn pathspec(path: &str) -> Self {
        Self::fatal(&format!("pathspec '{path}' did not match any files"))
    }

    /// A revision that names no commit.
    pub fn bad_revision(rev: &str) -> Self {
        Self::fatal(&format!(
            "ambiguous argument '{rev}': unknown revision or path not in the working tree.\n\
             Use '--' to separate paths from revisions, like this:\n\
             'git <command> [<revision>...] -- [<file>...]'"
        ))
    }

    /// `git log` on an unborn branch.
    pub fn no_commits(branch: &str) -> Self {
        Self::fatal(&format!(
            "your current branch '{branch}' does not have any commits yet"
        ))
    }

    /// No user.name/user.email anywhere.
    pub fn identity_unknown(user: &str, host: &str) -> Self {
        Self::new(
            format!(
                "Author identity unknown\n\n*** Please tell me who you are.\n\nRun\n\n  \
                 git config --global user.email \"you@example.com\"\n  \
                 git config --global user.name \"Your Name\"\n\n\
                 to set your account's default identity.\n\
                 Omit --global to set the identity only in this repository.\n\n\
                 fatal: unable to auto-detect email address (got '{user}@{host}.(none)')\n"
            ),
            128,
        )
    }

    /// A branch that already exists.
    pub fn branch_exists(name: &str) -> Self {
        Self::fatal(&format!("a branch named '{name}' already exists"))
    }

    /// `git switch nosuch`.
    pub fn invalid_reference(name: &str) -> Self {
        Self::fatal(&format!("invalid reference: {name}"))
    }

    /// `git switch` given a commit that is not a branch.
    pub fn branch_expected(name: &str) -> Self {
        Self::new(
            format!("fatal: a branch is expected, got commit '{name}'\nhint: If you want to detach HEAD at the commit, try again with the --detach option.\n"),
            128,
        )
    }

    /// `git commit` without `-m`: real git would open an editor, which
    /// the lab does not have; the commit is aborted as with an empty message.
    pub fn no_message() -> Self {
        let mut e = Self::new(
            "Aborting commit due to empty commit message.\n".to_string(),
            1,
        );
        e.lab_hint =
            "This lab's git opens no editor: give the message with -m \"...\".\n".to_string();
        e
    }

    /// `git merge nosuch`.
    pub fn merge_nothing(name: &str) -> Self {
        Self::new(format!("merge: {name} - not something we can merge\n"), 1)
    }

    /// A command refused while a merge is unfinished.
    pub fn merge_in_progress() -> Self {
        Self::new(
            "error: Merging is not possible because you have unmerged files.\n\
             hint: Fix them up in the work tree, and then use 'git add/rm <file>'\n\
             hint: as appropriate to mark resolution and make a commit.\n\
             fatal: Exiting because of an unresolved conflict.\n"
                .to_string(),
            128,
        )
    }

    /// `git commit` with unmerged paths, listed first as `U\tPATH`.
    pub fn commit_unmerged(paths: &[String]) -> Self {
        let mut e = Self::new(
            "error: Committing is not possible because you have unmerged files.\n\
             hint: Fix them up in the work tree, and then use 'git add/rm <file>'\n\
             hint: as appropriate to mark resolution and make a commit.\n\
             fatal: Exiting because of an unresolved conflict.\n"
                .to_string(),
            128,
        );
        e.stdout = paths.iter().map(|p| format!("U\t{p}\n")).collect();
        e
    }

    /// `git merge --abort` with no merge.
    pub fn no_merge_to_abort() -> Self {
        Self::fatal("There is no merge to abort (MERGE_HEAD missing).")
    }

    /// Local changes a checkout or merge would overwrite.
    pub fn would_overwrite(action: &str, paths: &[String]) -> Self {
        let list: String = paths.iter().map(|p| format!("\t{p}\n")).collect();
        let verb = if action == "checkout" {
            "Please commit your changes or stash them before you switch branches."
        } else {
            "Please commit your changes or stash them before you merge."
        };
        Self::new(
            format!(
                "error: Your local changes to the following files would be overwritten by {action}:\n\
                 {list}{verb}\nAborting\n"
            ),
            1,
        )
    }

    /// A URL that no repository of the world answers to.
    pub fn remote_not_found() -> Self {
        Self::new(
            "ERROR: Repository not found.\n\
             fatal: Could not read from remote repository.\n\n\
             Please make sure you have the correct access rights\n\
             and the repository exists.\n"
                .to_string(),
            128,
        )
    }

    /// A remote name that is not configured.
    pub fn no_such_remote(name: &str) -> Self {
        Self::new(
            format!(
                "fatal: '{name}' does not appear to be a git repository\n\
                 fatal: Could not read from remote repository.\n\n\
                 Please make sure you have the correct access rights\n\
                 and the repository exists.\n"
            ),
            128,
        )
    }
}

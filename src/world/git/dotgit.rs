//! The `.git` directory a work tree shows in the machine's files: `HEAD`,
//! `config`, refs, `MERGE_HEAD`. The repository itself lives in
//! [`super::Repo`]; these files mirror it after every git command so that
//! `ls -a` and `cat .git/HEAD` answer as on a real machine. Objects are not
//! mirrored (their real form is compressed binary).

use super::repo::{Head, Repo};
use super::worktree;
use crate::world::fs::Fs;

/// Rewrites the `.git` directory of the work tree at `root` from `repo`.
pub fn sync(fs: &mut Fs, root: &str, repo: &Repo, now: i64) {
    let git = worktree::absolute(root, ".git");
    let _ = fs.remove_all(&format!("{git}/refs"));
    for name in ["MERGE_HEAD", "MERGE_MSG", "ORIG_HEAD"] {
        let _ = fs.remove(&format!("{git}/{name}"), false);
    }
    for dir in ["objects", "refs/heads", "refs/tags", "hooks", "info"] {
        let _ = fs.mkdir_all(&format!("{git}/{dir}"), now);
    }
    let head = match &repo.head {
        Head::Branch(b) => format!("ref: refs/heads/{b}\n"),
        Head::Detached(id) => format!("{id}\n"),
    };
    let mut files = vec![
        ("HEAD".to_string(), head),
        ("config".to_string(), config(repo)),
        (
            "description".to_string(),
            "Unnamed repository; edit this file 'description' to name the repository.\n"
                .to_string(),
        ),
        (
            "info/exclude".to_string(),
            "# git ls-files --others --exclude-from=.git/info/exclude\n".to_string(),
        ),
    ];
    for (name, id) in &repo.refs {
        files.push((name.clone(), format!("{id}\n")));
    }
    for (name, target) in &repo.symrefs {
        files.push((name.clone(), format!("ref: {target}\n")));
    }
    if let Some(merge) = &repo.merging {
        files.push(("MERGE_HEAD".to_string(), format!("{}\n", merge.theirs)));
        files.push(("MERGE_MSG".to_string(), merge.message.clone()));
    }
    for (name, text) in files {
        let _ = worktree::write(fs, &git, &name, &text, now);
    }
}

/// `.git/config` as `git init` writes it, with remotes and upstreams.
fn config(repo: &Repo) -> String {
    let mut out = format!(
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = {}\n\tlogallrefupdates = true\n",
        repo.bare
    );
    for (name, remote) in &repo.remotes {
        out.push_str(&format!(
            "[remote \"{name}\"]\n\turl = {}\n\tfetch = +refs/heads/*:refs/remotes/{name}/*\n",
            remote.url
        ));
    }
    for (branch, (remote, merge)) in &repo.upstreams {
        out.push_str(&format!(
            "[branch \"{branch}\"]\n\tremote = {remote}\n\tmerge = refs/heads/{merge}\n"
        ));
    }
    out
}

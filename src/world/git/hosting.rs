//! What the world does with git without a command line: give a hosted
//! repository its first commit and put clones of it onto machines, so that
//! a starting state can have `~/app` cloned from `origin` on every machine
//! exactly as `git clone` would leave it.

use super::dotgit;
use super::object::{Commit, Object, Oid, Signature};
use super::repo::{Head, Remote, Repo, Snapshot};
use super::worktree;
use crate::world::Machine;

/// Commits `files` (relative paths and contents) on top of the hosted
/// repository's default branch and returns the commit's id.
pub fn commit_to_hosted(
    remote: &mut Repo,
    files: &[(&str, &str)],
    author: Signature,
    message: &str,
) -> Oid {
    let parent = remote.head_commit();
    let mut snapshot = remote.snapshot(parent.as_deref());
    for (path, text) in files {
        let id = remote.put_blob(text);
        snapshot.insert((*path).to_string(), id);
    }
    let tree = remote.write_tree(&snapshot);
    let id = remote.put(Object::Commit(Commit {
        tree,
        parents: parent.into_iter().collect(),
        committer: author.clone(),
        author,
        message: format!("{}\n", message.trim_end()),
    }));
    remote.set_head_commit(&id);
    id
}

/// The repository `git clone URL` makes from `remote`: every object, the
/// remote's branches under `origin/`, `origin/HEAD`, the default branch
/// checked out and tracking `origin`.
pub fn clone_repo(remote: &Repo, url: &str) -> Repo {
    let branch = remote.branch().unwrap_or("main").to_string();
    let mut repo = Repo::new(&branch, false);
    repo.objects = remote.objects.clone();
    repo.remotes.insert(
        "origin".to_string(),
        Remote {
            url: url.to_string(),
        },
    );
    for (name, id) in remote.branches() {
        repo.refs.insert(format!("refs/remotes/origin/{name}"), id);
    }
    if let Some(id) = remote.head_commit() {
        repo.symrefs.insert(
            "refs/remotes/origin/HEAD".to_string(),
            format!("refs/remotes/origin/{branch}"),
        );
        repo.refs.insert(format!("refs/heads/{branch}"), id);
        repo.head = Head::Branch(branch.clone());
    }
    // Even an empty clone tracks the remote's default branch.
    repo.upstreams
        .insert(branch.clone(), ("origin".to_string(), branch));
    repo.index.entries = repo.snapshot(repo.head_commit().as_deref());
    repo
}

/// Puts a clone onto a machine at `dir` (absolute): the checked-out files,
/// the repository, and its `.git` directory.
pub fn check_out_clone(machine: &mut Machine, dir: &str, repo: Repo, now: i64) {
    let _ = machine.fs.mkdir_all(dir, now);
    let files: Snapshot = repo.index.entries.clone();
    for (path, id) in &files {
        let _ = worktree::write(&mut machine.fs, dir, path, repo.blob(id), now);
    }
    dotgit::sync(&mut machine.fs, dir, &repo, now);
    machine.repos.insert(dir.to_string(), repo);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::git::ORIGIN_URL;
    use crate::world::World;

    #[test]
    fn a_seeded_origin_clones_onto_a_machine() {
        let mut world = World::blank(crate::world::DEFAULT_SEED);
        let now = world.clock.now;
        let origin = world.remotes.get_mut(ORIGIN_URL).expect("origin");
        let author = Signature {
            name: "Team".into(),
            email: "team@example.com".into(),
            time: now,
        };
        commit_to_hosted(origin, &[("app.py", "print('hi')\n")], author, "Start");
        let repo = clone_repo(&world.remotes[ORIGIN_URL], ORIGIN_URL);
        check_out_clone(world.machine_mut(), "/home/learner/team", repo, now);
        let outcome = world.run("cd ~/team && git status && cat app.py && git log --oneline");
        assert_eq!(outcome.exit_code, 0, "{}", outcome.text());
        let text = outcome.text();
        assert!(text.starts_with("On branch main\nYour branch is up to date with 'origin/main'.\n\nnothing to commit, working tree clean\nprint('hi')\n"), "{text}");
        assert!(
            text.ends_with(" (HEAD -> main, origin/main, origin/HEAD) Start\n"),
            "{text}"
        );
    }
}

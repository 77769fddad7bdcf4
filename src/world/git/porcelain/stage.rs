//! Commands that move content between the work tree, the index and HEAD:
//! `add`, `rm`, `mv`, `restore`, `reset`.

use std::collections::BTreeMap;

use crate::world::git::args;
use crate::world::git::error::GitError;
use crate::world::git::ignore::Ignore;
use crate::world::git::object::Object;
use crate::world::git::repo::Repo;
use crate::world::git::session::Git;
use crate::world::git::worktree;

/// True when `path` is `spec` or below it (`""` matches everything).
pub fn under(path: &str, spec: &str) -> bool {
    spec.is_empty() || path == spec || path.starts_with(&format!("{spec}/"))
}

/// `git add PATHSPEC...`, `-A`
pub fn add(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["-A", "--all", "-f", "--force", "-u", "--update"],
        &[],
        "git add [<options>] [--] <pathspec>...",
    )?;
    let mut specs = Vec::new();
    for op in &a.operands {
        specs.push((op.clone(), git.pathspec(op)?));
    }
    if specs.is_empty() {
        if a.has(&["-A", "--all", "-u", "--update"]) {
            specs.push((".".to_string(), String::new()));
        } else {
            git.err("Nothing specified, nothing added.\nhint: Maybe you wanted to say 'git add .'?\nhint: Disable this message with \"git config advice.addEmptyPathspec false\"\n");
            return Ok(0);
        }
    }
    let files = git.files();
    let ignore = Ignore::load(&files);
    let force = a.has(&["-f", "--force"]);
    let update_only = a.has(&["-u", "--update"]);
    let mut ignored = Vec::new();
    let mut plan: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (arg, spec) in &specs {
        let mut matched = false;
        for (path, text) in &files {
            if !under(path, spec) {
                continue;
            }
            let tracked = git.repo.index.entries.contains_key(path)
                || git.repo.index.conflicts.contains_key(path);
            if !tracked && (update_only || (!force && ignore.ignores(path))) {
                if path == spec && !update_only {
                    ignored.push(arg.clone());
                    matched = true;
                }
                continue;
            }
            matched = true;
            plan.insert(path.clone(), Some(text.clone()));
        }
        let index_paths: Vec<String> = git
            .repo
            .index
            .entries
            .keys()
            .chain(git.repo.index.conflicts.keys())
            .filter(|p| under(p, spec))
            .cloned()
            .collect();
        for path in index_paths {
            matched = true;
            if !files.contains_key(&path) {
                plan.insert(path, None);
            }
        }
        if !matched {
            return Err(GitError::pathspec(arg));
        }
    }
    if !ignored.is_empty() {
        let list: String = ignored.iter().map(|p| format!("{p}\n")).collect();
        return Err(GitError::raw(
            format!("The following paths are ignored by one of your .gitignore files:\n{list}hint: Use -f if you really want to add them.\nhint: Disable this message with \"git config advice.addIgnoredFile false\"\n"),
            1,
        ));
    }
    for (path, text) in plan {
        git.repo.index.conflicts.remove(&path);
        match text {
            Some(text) => {
                // A file staged before with the same text keeps its blob: comparing the text
                // is far cheaper than hashing it again (`git add .` in a project with many
                // migrations re-stages every unchanged file; git skips them by their stat).
                let unchanged = git
                    .repo
                    .index
                    .entries
                    .get(&path)
                    .is_some_and(|id| git.repo.has_blob(id, &text));
                if !unchanged {
                    let id = git.repo.put_blob(&text);
                    git.repo.index.entries.insert(path, id);
                }
            }
            None => {
                git.repo.index.entries.remove(&path);
            }
        }
    }
    Ok(0)
}

/// `git rm [--cached] [-r] PATH...`
pub fn rm(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["--cached", "-r", "-f", "--force", "-q", "--quiet"],
        &[],
        "git rm [-f | --force] [-n] [-r] [--cached] [--ignore-unmatch]",
    )?;
    if a.operands.is_empty() {
        return Err(GitError::raw(
            "usage: git rm [-f | --force] [-n] [-r] [--cached] [--ignore-unmatch]\n".to_string(),
            129,
        ));
    }
    let mut targets = Vec::new();
    for op in &a.operands {
        let spec = git.pathspec(op)?;
        let hits: Vec<String> = git
            .repo
            .index
            .entries
            .keys()
            .chain(git.repo.index.conflicts.keys())
            .filter(|p| under(p, &spec))
            .cloned()
            .collect();
        if hits.is_empty() {
            return Err(GitError::pathspec(op));
        }
        if !a.has(&["-r"]) && hits.iter().any(|h| h != &spec) {
            return Err(GitError::fatal(&format!(
                "not removing '{op}' recursively without -r"
            )));
        }
        targets.extend(hits);
    }
    if !a.has(&["-f", "--force"]) {
        refuse_dirty_rm(git, &targets, a.has(&["--cached"]))?;
    }
    let root = git.root.clone();
    for path in targets {
        git.repo.index.entries.remove(&path);
        git.repo.index.conflicts.remove(&path);
        if !a.has(&["--cached"]) {
            worktree::remove(git.fs(), &root, &path);
        }
        if !a.has(&["-q", "--quiet"]) {
            git.out(&format!("rm '{path}'\n"));
        }
    }
    Ok(0)
}

/// `git rm` keeps work that exists nowhere else: local edits, and staged
/// content that is neither the file nor HEAD's.
fn refuse_dirty_rm(git: &Git, targets: &[String], cached: bool) -> Result<(), GitError> {
    let head = git.head_snapshot();
    let files = git.files();
    let mut both = Vec::new();
    let mut staged = Vec::new();
    let mut local = Vec::new();
    for path in targets {
        let Some(index) = git.repo.index.entries.get(path) else {
            continue;
        };
        let work = files.get(path).map(|t| Object::Blob(t.clone()).id());
        let differs_from_head = head.get(path) != Some(index);
        let differs_from_work = work.as_ref().is_some_and(|w| w != index);
        match (differs_from_head, differs_from_work) {
            (true, true) if work.as_ref() != head.get(path) => both.push(path.clone()),
            (true, _) if !cached => staged.push(path.clone()),
            (false, true) if !cached => local.push(path.clone()),
            _ => {}
        }
    }
    let mut text = String::new();
    let list =
        |paths: &[String]| -> String { paths.iter().map(|p| format!("    {p}\n")).collect() };
    if !both.is_empty() {
        let (file, has) = if both.len() == 1 {
            ("file", "has")
        } else {
            ("files", "have")
        };
        text.push_str(&format!("error: the following {file} {has} staged content different from both the\nfile and the HEAD:\n{}(use -f to force removal)\n", list(&both)));
    }
    if !staged.is_empty() {
        let (file, has) = if staged.len() == 1 {
            ("file", "has")
        } else {
            ("files", "have")
        };
        text.push_str(&format!("error: the following {file} {has} changes staged in the index:\n{}(use --cached to keep the file, or -f to force removal)\n", list(&staged)));
    }
    if !local.is_empty() {
        let (file, has) = if local.len() == 1 {
            ("file", "has")
        } else {
            ("files", "have")
        };
        text.push_str(&format!("error: the following {file} {has} local modifications:\n{}(use --cached to keep the file, or -f to force removal)\n", list(&local)));
    }
    if text.is_empty() {
        Ok(())
    } else {
        Err(GitError::raw(text, 1))
    }
}

/// `git mv SOURCE DESTINATION`
pub fn mv(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["-f", "--force"],
        &[],
        "git mv [-v] [-f] [-n] [-k] <source> <destination>",
    )?;
    let [src, dst] = a.operands.as_slice() else {
        return Err(GitError::raw(
            "usage: git mv [-v] [-f] [-n] [-k] <source> <destination>\n".to_string(),
            129,
        ));
    };
    let from = git.pathspec(src)?;
    let mut to = git.pathspec(dst)?;
    let files = git.files();
    let is_dir = |p: &str| files.keys().any(|f| f.starts_with(&format!("{p}/")));
    if is_dir(&to) || to.is_empty() {
        let name = from.rsplit('/').next().unwrap_or(&from);
        to = if to.is_empty() {
            name.to_string()
        } else {
            format!("{to}/{name}")
        };
    }
    let moved: Vec<String> = git
        .repo
        .index
        .entries
        .keys()
        .filter(|p| under(p, &from))
        .cloned()
        .collect();
    if !files.contains_key(&from) && !is_dir(&from) {
        return Err(GitError::fatal(&format!(
            "bad source, source={src}, destination={dst}"
        )));
    }
    if moved.is_empty() {
        return Err(GitError::fatal(&format!(
            "not under version control, source={src}, destination={dst}"
        )));
    }
    if files.contains_key(&to) && !a.has(&["-f", "--force"]) {
        return Err(GitError::fatal(&format!(
            "destination exists, source={src}, destination={dst}"
        )));
    }
    let now = git.now();
    let root = git.root.clone();
    for path in moved {
        let target = format!("{to}{}", &path[from.len()..]);
        if let Some(id) = git.repo.index.entries.remove(&path) {
            git.repo.index.entries.insert(target.clone(), id);
        }
        if let Some(text) = files.get(&path) {
            let fs = git.fs();
            worktree::remove(fs, &root, &path);
            let _ = worktree::write(fs, &root, &target, text, now);
        }
    }
    Ok(0)
}

/// `git restore [--staged] [--source=REV] PATH...`
pub fn restore(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["-S", "--staged", "-W", "--worktree"],
        &["-s", "--source"],
        "git restore [<options>] [--source=<branch>] <file>...",
    )?;
    if a.operands.is_empty() {
        return Err(GitError::fatal("you must specify path(s) to restore"));
    }
    let staged = a.has(&["-S", "--staged"]);
    let worktree_too = a.has(&["-W", "--worktree"]) || !staged;
    let source = match a.value(&["-s", "--source"]) {
        Some(rev) => Some(
            git.repo
                .resolve(rev)
                .ok_or_else(|| GitError::fatal(&format!("could not resolve {rev}")))?,
        ),
        None => None,
    };
    let head = git.head_snapshot();
    let from_source = source.as_deref().map(|s| git.repo.snapshot(Some(s)));
    let mut specs = Vec::new();
    for op in &a.operands {
        specs.push((op.clone(), git.pathspec(op)?));
    }
    let files = git.files();
    let root = git.root.clone();
    let now = git.now();
    for (arg, spec) in &specs {
        let staged_source = from_source.clone().unwrap_or_else(|| head.clone());
        let tree_source = from_source
            .clone()
            .unwrap_or_else(|| git.repo.index.entries.clone());
        let known = |s: &crate::world::git::repo::Snapshot| s.keys().any(|p| under(p, spec));
        if !known(&staged_source) && !known(&tree_source) && !known(&git.repo.index.entries) {
            return Err(GitError::raw(
                format!("error: pathspec '{arg}' did not match any file(s) known to git\n"),
                1,
            ));
        }
        if staged {
            let paths: Vec<String> = git
                .repo
                .index
                .entries
                .keys()
                .chain(staged_source.keys())
                .filter(|p| under(p, spec))
                .cloned()
                .collect();
            for path in paths {
                match staged_source.get(&path) {
                    Some(id) => git.repo.index.entries.insert(path, id.clone()),
                    None => git.repo.index.entries.remove(&path),
                };
            }
        }
        if worktree_too {
            let source = if staged && from_source.is_none() {
                head.clone()
            } else {
                tree_source
            };
            let paths: Vec<String> = source
                .keys()
                .chain(
                    files
                        .keys()
                        .filter(|p| git.repo.index.entries.contains_key(*p)),
                )
                .filter(|p| under(p, spec))
                .cloned()
                .collect();
            for path in paths {
                match source.get(&path) {
                    Some(id) => {
                        let text = git.repo.blob(id).to_string();
                        let _ = worktree::write(git.fs(), &root, &path, &text, now);
                    }
                    None => worktree::remove(git.fs(), &root, &path),
                }
            }
        }
    }
    Ok(0)
}

/// `git reset [--soft | --mixed | --hard] [COMMIT]`, `git reset [--] PATH...`
pub fn reset(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["--soft", "--mixed", "--hard", "-q", "--quiet"],
        &[],
        "git reset [--mixed | --soft | --hard | --merge | --keep] [-q] [<commit>]",
    )?;
    let mut ops = a.operands.clone();
    let target = match ops.first() {
        Some(rev) if !a.dashdash || ops.len() > 1 => match git.repo.resolve(rev) {
            Some(id) => {
                ops.remove(0);
                Some(id)
            }
            None if ops.len() == 1 && known_path(git, rev) => None,
            None => return Err(GitError::bad_revision(rev)),
        },
        _ => None,
    };
    let head = git.repo.head_commit();
    let target = target.or_else(|| head.clone());
    if !ops.is_empty() {
        if a.has(&["--hard", "--soft"]) {
            let mode = if a.has(&["--hard"]) { "hard" } else { "soft" };
            return Err(GitError::fatal(&format!(
                "Cannot do {mode} reset with paths."
            )));
        }
        let snapshot = git.repo.snapshot(target.as_deref());
        for op in &ops {
            let spec = git.pathspec(op)?;
            let paths: Vec<String> = git
                .repo
                .index
                .entries
                .keys()
                .chain(snapshot.keys())
                .filter(|p| under(p, &spec))
                .cloned()
                .collect();
            for path in paths {
                match snapshot.get(&path) {
                    Some(id) => git.repo.index.entries.insert(path, id.clone()),
                    None => git.repo.index.entries.remove(&path),
                };
            }
        }
        print_unstaged(git);
        return Ok(0);
    }
    let Some(target) = target else {
        git.repo.index = Default::default();
        return Ok(0);
    };
    let old_index = git.repo.index.entries.clone();
    let snapshot = git.repo.snapshot(Some(&target));
    git.repo.set_head_commit(&target);
    git.repo.merging = None;
    if a.has(&["--soft"]) {
        return Ok(0);
    }
    git.repo.index = Default::default();
    git.repo.index.entries = snapshot.clone();
    if a.has(&["--hard"]) {
        let mut from = old_index;
        let files = git.files();
        let tracked: Vec<String> = files
            .keys()
            .filter(|p| from.contains_key(*p) || snapshot.contains_key(*p))
            .cloned()
            .collect();
        for p in tracked {
            from.insert(p, String::new());
        }
        git.checkout_files(&from, &snapshot);
        if !a.has(&["-q", "--quiet"]) {
            let subject = git
                .repo
                .commit(&target)
                .map(|c| c.subject().to_string())
                .unwrap_or_default();
            git.out(&format!(
                "HEAD is now at {} {subject}\n",
                Repo::short(&target)
            ));
        }
    } else if !a.has(&["-q", "--quiet"]) {
        print_unstaged(git);
    }
    Ok(0)
}

/// True when an argument names a file of the work tree or the index.
fn known_path(git: &Git, arg: &str) -> bool {
    let Ok(spec) = git.pathspec(arg) else {
        return false;
    };
    git.files().keys().any(|p| under(p, &spec))
        || git.repo.index.entries.keys().any(|p| under(p, &spec))
}

/// `Unstaged changes after reset:` and `M\tpath` lines.
fn print_unstaged(git: &mut Git) {
    let files = git.files();
    let lines: String = git
        .repo
        .index
        .entries
        .iter()
        .filter_map(|(path, id)| match files.get(path) {
            None => Some(format!("D\t{path}\n")),
            Some(text) if &Object::Blob(text.clone()).id() != id => Some(format!("M\t{path}\n")),
            _ => None,
        })
        .collect();
    if !lines.is_empty() {
        git.out(&format!("Unstaged changes after reset:\n{lines}"));
    }
}

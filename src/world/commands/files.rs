//! File commands with coreutils' wording and exit statuses: `cat`, `touch`,
//! `mkdir`, `rm`, `mv`, `cp`.

use super::options::{self, missing_operand, quote};
use super::Command;
use crate::world::ctx::Ctx;
use crate::world::fs::{self, FsError};

/// `cat [FILE]...`
pub const CAT: Command = Command {
    name: "cat",
    synopsis: "cat [OPTION]... [FILE]...",
    summary:
        "Concatenate files and print them (-n numbers the lines); no file reads standard input.",
    run: cat,
};

/// `touch FILE...`
pub const TOUCH: Command = Command {
    name: "touch",
    synopsis: "touch FILE...",
    summary: "Update a file's time, creating it empty if it does not exist.",
    run: touch,
};

/// `mkdir [-p] DIR...`
pub const MKDIR: Command = Command {
    name: "mkdir",
    synopsis: "mkdir [OPTION]... DIRECTORY...",
    summary: "Make directories (-p: parents too, no error if existing).",
    run: mkdir,
};

/// `rm [-r] [-f] FILE...`
pub const RM: Command = Command {
    name: "rm",
    synopsis: "rm [OPTION]... [FILE]...",
    summary: "Remove files (-r: directories and their contents, -f: ignore missing files).",
    run: rm,
};

/// `mv SOURCE... DEST`
pub const MV: Command = Command {
    name: "mv",
    synopsis: "mv [OPTION]... SOURCE... DEST",
    summary: "Move or rename files.",
    run: mv,
};

/// `cp [-r] SOURCE... DEST`
pub const CP: Command = Command {
    name: "cp",
    synopsis: "cp [OPTION]... SOURCE... DEST",
    summary: "Copy files (-r: directories too).",
    run: cp,
};

fn cat(ctx: &mut Ctx, args: &[String]) -> i32 {
    let parsed = match options::parse(ctx, "cat", CAT.synopsis, args, "n", 1) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let mut text = String::new();
    let mut status = 0;
    let operands = if parsed.operands.is_empty() {
        vec!["-".to_string()]
    } else {
        parsed.operands.clone()
    };
    for operand in &operands {
        if operand == "-" {
            text.push_str(ctx.stdin.as_deref().unwrap_or_default());
            continue;
        }
        let path = ctx.path(operand);
        match ctx.machine_ref().fs.read(&path) {
            Ok(content) => text.push_str(content),
            Err(e) => {
                ctx.print(&std::mem::take(&mut text));
                ctx.eprint(&format!("cat: {operand}: {}\n", e.describe()));
                status = 1;
            }
        }
    }
    if parsed.has('n') {
        text = text
            .split_inclusive('\n')
            .enumerate()
            .map(|(i, line)| format!("{:>6}\t{line}", i + 1))
            .collect();
    }
    ctx.print(&text);
    status
}

fn touch(ctx: &mut Ctx, args: &[String]) -> i32 {
    let parsed = match options::parse(ctx, "touch", TOUCH.synopsis, args, "", 1) {
        Ok(p) => p,
        Err(status) => return status,
    };
    if parsed.operands.is_empty() {
        return missing_operand(ctx, "touch", "file operand");
    }
    let mut status = 0;
    for operand in &parsed.operands {
        let path = ctx.path(operand);
        let now = ctx.now();
        if let Err(e) = ctx.machine().fs.touch(&path, now) {
            status = ctx.fail(
                &format!("touch: cannot touch {}: {}", quote(operand), e.describe()),
                1,
            );
        }
    }
    status
}

fn mkdir(ctx: &mut Ctx, args: &[String]) -> i32 {
    let parsed = match options::parse(ctx, "mkdir", MKDIR.synopsis, args, "p", 1) {
        Ok(p) => p,
        Err(status) => return status,
    };
    if parsed.operands.is_empty() {
        return missing_operand(ctx, "mkdir", "operand");
    }
    let mut status = 0;
    for operand in &parsed.operands {
        let path = ctx.path(operand);
        let now = ctx.now();
        let fs = &mut ctx.machine().fs;
        let made = if parsed.has('p') {
            fs.mkdir_all(&path, now)
        } else {
            fs.mkdir(&path, now)
        };
        if let Err(e) = made {
            // mkdir quotes with the locale's quotation marks, unlike ls and rm.
            status = ctx.fail(
                &format!(
                    "mkdir: cannot create directory ‘{operand}’: {}",
                    e.describe()
                ),
                1,
            );
        }
    }
    status
}

fn rm(ctx: &mut Ctx, args: &[String]) -> i32 {
    let parsed = match options::parse(ctx, "rm", RM.synopsis, args, "rRfdv", 1) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let force = parsed.has('f');
    let recursive = parsed.has('r') || parsed.has('R');
    if parsed.operands.is_empty() {
        return if force {
            0
        } else {
            missing_operand(ctx, "rm", "operand")
        };
    }
    let mut status = 0;
    for operand in &parsed.operands {
        let name = fs::file_name(operand.trim_end_matches('/'));
        if recursive && (name == "." || name == "..") {
            status = ctx.fail(
                &format!(
                    "rm: refusing to remove '.' or '..' directory: skipping {}",
                    quote(operand)
                ),
                1,
            );
            continue;
        }
        let path = ctx.path(operand);
        let result = match ctx.machine_ref().fs.lookup(&path) {
            Err(FsError::NotFound) if force => continue,
            Err(e) => Err(e),
            Ok(node) if node.is_dir() && !recursive => Err(if parsed.has('d') {
                FsError::NotEmpty
            } else {
                FsError::IsADirectory
            }),
            Ok(_) if path == "/" => {
                status = ctx.fail("rm: it is dangerous to operate recursively on '/'", 1);
                continue;
            }
            Ok(_) => ctx.machine().fs.remove_all(&path),
        };
        if let Err(e) = result {
            status = ctx.fail(
                &format!("rm: cannot remove {}: {}", quote(operand), e.describe()),
                1,
            );
        } else if parsed.has('v') {
            ctx.print(&format!("removed {}\n", quote(operand)));
        }
    }
    status
}

fn mv(ctx: &mut Ctx, args: &[String]) -> i32 {
    transfer(ctx, args, "mv", MV.synopsis, true)
}

fn cp(ctx: &mut Ctx, args: &[String]) -> i32 {
    transfer(ctx, args, "cp", CP.synopsis, false)
}

/// `mv` and `cp` share their operand rules: the last operand is the
/// destination, a directory when there are several sources.
fn transfer(ctx: &mut Ctx, args: &[String], name: &str, synopsis: &str, moving: bool) -> i32 {
    let allowed = if moving { "fv" } else { "rRafv" };
    let parsed = match options::parse(ctx, name, synopsis, args, allowed, 1) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let recursive = moving || parsed.has('r') || parsed.has('R') || parsed.has('a');
    let (sources, dest) = match parsed.operands.split_last() {
        None => return missing_operand(ctx, name, "file operand"),
        Some((_, [])) => {
            return missing_operand(
                ctx,
                name,
                &format!(
                    "destination file operand after {}",
                    quote(&parsed.operands[0])
                ),
            )
        }
        Some((dest, sources)) => (sources.to_vec(), dest.clone()),
    };
    let dest_path = ctx.path(&dest);
    let dest_is_dir = ctx
        .machine_ref()
        .fs
        .get(&dest_path)
        .is_some_and(|n| n.is_dir());
    if sources.len() > 1 && !dest_is_dir {
        return ctx.fail(
            &format!("{name}: target {} is not a directory", quote(&dest)),
            1,
        );
    }
    let mut status = 0;
    for source in &sources {
        let from = ctx.path(source);
        let node = match ctx.machine_ref().fs.lookup(&from) {
            Ok(node) => node.clone(),
            Err(e) => {
                status = ctx.fail(
                    &format!("{name}: cannot stat {}: {}", quote(source), e.describe()),
                    1,
                );
                continue;
            }
        };
        if node.is_dir() && !recursive {
            status = ctx.fail(
                &format!("cp: -r not specified; omitting directory {}", quote(source)),
                1,
            );
            continue;
        }
        let to = if dest_is_dir {
            format!(
                "{}/{}",
                dest_path.trim_end_matches('/'),
                fs::file_name(&from)
            )
        } else {
            dest_path.clone()
        };
        if to == from {
            status = ctx.fail(
                &format!(
                    "{name}: {} and {} are the same file",
                    quote(source),
                    quote(&dest)
                ),
                1,
            );
            continue;
        }
        if node.is_dir() && to.starts_with(&format!("{from}/")) {
            let verb = if moving { "move" } else { "copy a directory," };
            status = ctx.fail(
                &format!(
                    "{name}: cannot {verb} {} into itself, {}",
                    quote(source),
                    quote(&dest)
                ),
                1,
            );
            continue;
        }
        if ctx.machine_ref().fs.get(&to).is_some_and(|n| n.is_dir()) && !node.is_dir() {
            status = ctx.fail(
                &format!(
                    "{name}: cannot overwrite directory {} with non-directory",
                    quote(&to)
                ),
                1,
            );
            continue;
        }
        let now = ctx.now();
        let fs = &mut ctx.machine().fs;
        let result = if moving {
            fs.remove_all(&to).ok();
            fs.rename(&from, &to, now)
        } else {
            fs.copy_all(&from, &to, now)
        };
        if let Err(e) = result {
            let verb = if moving {
                "cannot move"
            } else {
                "cannot create regular file"
            };
            status = ctx.fail(
                &format!("{name}: {verb} {}: {}", quote(&dest), e.describe()),
                1,
            );
        }
    }
    status
}

//! `ls`: list directory contents, as GNU coreutils does on an 80-column
//! terminal (columns), or one name per line into a pipe or file.

use super::options::{self, quote};
use super::Command;
use crate::world::ctx::Ctx;
use crate::world::fs::Node;
use crate::world::ids::DateTime;
use crate::world::machine::USER;

/// `ls [-l] [-a] [-A] [-1] [FILE]...`
pub const LS: Command = Command {
    name: "ls",
    synopsis: "ls [OPTION]... [FILE]...",
    summary: "List directory contents (-l long format, -a all, -A almost all, -1 one per line).",
    run: ls,
};

const WIDTH: usize = 80;

struct Entry {
    name: String,
    node: Node,
    links: usize,
    executable: bool,
}

fn ls(ctx: &mut Ctx, args: &[String]) -> i32 {
    let parsed = match options::parse(ctx, "ls", LS.synopsis, args, "laA1d", 2) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let mut operands = parsed.operands.clone();
    if operands.is_empty() {
        operands.push(".".to_string());
    }
    let mut status = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for operand in &operands {
        let path = ctx.path(operand);
        match ctx.machine_ref().fs.lookup(&path) {
            Ok(node) if node.is_dir() && !parsed.has('d') => dirs.push((operand.clone(), path)),
            Ok(node) => files.push(entry(ctx, operand.clone(), &path, node.clone())),
            Err(e) => {
                ctx.eprint(&format!(
                    "ls: cannot access {}: {}\n",
                    quote(operand),
                    e.describe()
                ));
                status = 2;
            }
        }
    }
    let headings = operands.len() > 1;
    let mut blocks: Vec<String> = Vec::new();
    if !files.is_empty() {
        blocks.push(render(ctx, &parsed, &files, false));
    }
    for (shown, path) in dirs {
        let mut entries = Vec::new();
        if parsed.has('a') {
            for (name, p) in [
                (".", path.clone()),
                ("..", crate::world::fs::parent(&path).to_string()),
            ] {
                if let Some(node) = ctx.machine_ref().fs.get(&p).cloned() {
                    entries.push(entry(ctx, name.to_string(), &p, node));
                }
            }
        }
        let children: Vec<(String, Node)> = ctx
            .machine_ref()
            .fs
            .children(&path)
            .into_iter()
            .map(|(n, node)| (n.to_string(), node.clone()))
            .collect();
        for (name, node) in children {
            if name.starts_with('.') && !parsed.has('a') && !parsed.has('A') {
                continue;
            }
            let child = format!("{}/{name}", path.trim_end_matches('/'));
            entries.push(entry(ctx, name, &child, node));
        }
        let mut block = String::new();
        if headings {
            block.push_str(&format!("{shown}:\n"));
        }
        block.push_str(&render(ctx, &parsed, &entries, true));
        blocks.push(block);
    }
    let text = blocks.join("\n");
    ctx.print(&text);
    status
}

fn entry(ctx: &Ctx, name: String, path: &str, node: Node) -> Entry {
    let links = if node.is_dir() {
        2 + ctx
            .machine_ref()
            .fs
            .children(path)
            .iter()
            .filter(|(_, n)| n.is_dir())
            .count()
    } else {
        1
    };
    let executable = ctx.machine_ref().fs.is_executable(path);
    Entry {
        name,
        node,
        links,
        executable,
    }
}

/// GNU ls sorts names by the locale's collation; in C.UTF-8 that is code-point order.
fn sorted(entries: &[Entry]) -> Vec<&Entry> {
    let mut v: Vec<&Entry> = entries.iter().collect();
    crate::sorting::sort_by(&mut v, |a, b| a.name.cmp(&b.name));
    v
}

fn shown_name(name: &str) -> String {
    if name.chars().any(|c| " \t\"$&()*;<>?[\\]`{|}".contains(c)) {
        quote(name)
    } else {
        name.to_string()
    }
}

fn render(ctx: &Ctx, parsed: &options::Parsed, entries: &[Entry], with_total: bool) -> String {
    let entries = sorted(entries);
    if parsed.has('l') {
        return long(ctx, &entries, with_total);
    }
    let names: Vec<String> = entries.iter().map(|e| shown_name(&e.name)).collect();
    if names.is_empty() {
        return String::new();
    }
    if parsed.has('1') || !ctx.stdout_is_terminal {
        return names.iter().map(|n| format!("{n}\n")).collect();
    }
    columns(&names)
}

/// GNU ls's vertical column layout: the fewest rows whose columns fit the width.
fn columns(names: &[String]) -> String {
    let widths: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
    let count = names.len();
    for rows in 1..=count {
        let cols = count.div_ceil(rows);
        let col_widths: Vec<usize> = (0..cols)
            .map(|c| {
                (c * rows..((c + 1) * rows).min(count))
                    .map(|i| widths[i])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total: usize = col_widths.iter().map(|w| w + 2).sum::<usize>() - 2;
        if total <= WIDTH || rows == count {
            let mut out = String::new();
            for r in 0..rows {
                let mut line = String::new();
                for (c, width) in col_widths.iter().enumerate() {
                    let i = c * rows + r;
                    if i >= count {
                        continue;
                    }
                    let is_last = c + 1 == cols || (c + 1) * rows + r >= count;
                    line.push_str(&names[i]);
                    if !is_last {
                        line.push_str(&" ".repeat(width - widths[i] + 2));
                    }
                }
                out.push_str(&line);
                out.push('\n');
            }
            return out;
        }
    }
    String::new()
}

fn long(ctx: &Ctx, entries: &[&Entry], with_total: bool) -> String {
    let size_width = entries
        .iter()
        .map(|e| e.node.size().to_string().len())
        .max()
        .unwrap_or(1);
    let link_width = entries
        .iter()
        .map(|e| e.links.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    if with_total {
        let blocks: usize = entries
            .iter()
            .map(|e| e.node.size().div_ceil(4096) * 4)
            .sum();
        out.push_str(&format!("total {blocks}\n"));
    }
    let now = ctx.now();
    for e in entries {
        let mode = if e.node.is_dir() {
            "drwxr-xr-x"
        } else if e.executable {
            "-rwxr-xr-x"
        } else {
            "-rw-r--r--"
        };
        let t = DateTime::from_unix(e.node.mtime());
        // ls shows the year instead of the time for files older than six months.
        let when = if now - e.node.mtime() > 15_778_476 {
            format!("{} {:>2}  {}", t.month_abbrev(), t.day, t.year)
        } else {
            format!(
                "{} {:>2} {:02}:{:02}",
                t.month_abbrev(),
                t.day,
                t.hour,
                t.minute
            )
        };
        out.push_str(&format!(
            "{mode} {:>lw$} {USER} {USER} {:>sw$} {when} {}\n",
            e.links,
            e.node.size(),
            shown_name(&e.name),
            lw = link_width,
            sw = size_width,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::columns;

    #[test]
    fn short_lists_fit_one_line() {
        let names: Vec<String> = ["app.py", "models.py", "requirements.txt"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(columns(&names), "app.py  models.py  requirements.txt\n");
    }

    #[test]
    fn long_lists_fill_columns_top_down() {
        let names: Vec<String> = (0..12).map(|i| format!("file_number_{i:02}.txt")).collect();
        let text = columns(&names);
        let first = text.lines().next().unwrap();
        assert!(
            first.starts_with("file_number_00.txt  file_number_03.txt"),
            "{text}"
        );
        assert!(text.lines().all(|l| l.len() <= 80));
    }
}

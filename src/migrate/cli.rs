//! click's side of `flask db`: each command's options and usage line, parsed as click
//! parses them (`-1` is an option, `--` ends options), and shell-like splitting of an
//! argument string.

use std::collections::BTreeSet;

use super::error::Error;

/// Parsed options of one subcommand.
#[derive(Default)]
pub(super) struct Opts {
    pub(super) flags: BTreeSet<String>,
    pub(super) values: Vec<(String, String)>,
    pub(super) positional: Vec<String>,
}

impl Opts {
    pub(super) fn flag(&self, name: &str) -> bool {
        self.flags.contains(name)
    }
    pub(super) fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A subcommand's options: (names, canonical, takes a value), and its usage arguments.
pub(super) struct Spec {
    pub(super) options: &'static [(&'static [&'static str], &'static str, bool)],
    pub(super) usage: &'static str,
    pub(super) max_positional: usize,
}

pub(super) const DIR: (&[&str], &str, bool) = (&["-d", "--directory"], "directory", true);
pub(super) const SQL: (&[&str], &str, bool) = (&["--sql"], "sql", false);
pub(super) const TAG: (&[&str], &str, bool) = (&["--tag"], "tag", true);
pub(super) const XARG: (&[&str], &str, bool) = (&["-x", "--x-arg"], "x", true);
pub(super) const MSG: (&[&str], &str, bool) = (&["-m", "--message"], "message", true);
pub(super) const VERBOSE: (&[&str], &str, bool) = (&["-v", "--verbose"], "verbose", false);
pub(super) const HEAD: (&[&str], &str, bool) = (&["--head"], "head", true);
pub(super) const SPLICE: (&[&str], &str, bool) = (&["--splice"], "splice", false);
pub(super) const LABEL: (&[&str], &str, bool) = (&["--branch-label"], "branch_label", true);
pub(super) const VPATH: (&[&str], &str, bool) = (&["--version-path"], "version_path", true);
pub(super) const REVID: (&[&str], &str, bool) = (&["--rev-id"], "rev_id", true);

pub(super) fn spec(command: &str) -> Option<Spec> {
    let s = |options, usage, max_positional| Spec {
        options,
        usage,
        max_positional,
    };
    Some(match command {
        "init" => s(
            &[
                DIR,
                (&["--multidb"], "multidb", false),
                (&["-t", "--template"], "template", true),
                (&["--package"], "package", false),
            ],
            "[OPTIONS]",
            0,
        ),
        "revision" => s(
            &[
                DIR,
                MSG,
                (&["--autogenerate"], "autogenerate", false),
                SQL,
                HEAD,
                SPLICE,
                LABEL,
                VPATH,
                REVID,
            ],
            "[OPTIONS]",
            0,
        ),
        "migrate" => s(
            &[DIR, MSG, SQL, HEAD, SPLICE, LABEL, VPATH, REVID, XARG],
            "[OPTIONS]",
            0,
        ),
        "edit" => s(&[DIR], "[OPTIONS] [REVISION]", 1),
        "merge" => s(
            &[DIR, MSG, LABEL, REVID],
            "[OPTIONS] [REVISIONS]...",
            usize::MAX,
        ),
        "upgrade" | "downgrade" => s(&[DIR, SQL, TAG, XARG], "[OPTIONS] [REVISION]", 1),
        "show" => s(&[DIR], "[OPTIONS] [REVISION]", 1),
        "history" => s(
            &[
                DIR,
                (&["-r", "--rev-range"], "rev_range", true),
                VERBOSE,
                (&["-i", "--indicate-current"], "indicate_current", false),
            ],
            "[OPTIONS]",
            0,
        ),
        "heads" => s(
            &[
                DIR,
                VERBOSE,
                (&["--resolve-dependencies"], "resolve", false),
            ],
            "[OPTIONS]",
            0,
        ),
        "branches" | "current" => s(&[DIR, VERBOSE], "[OPTIONS]", 0),
        "stamp" => s(
            &[DIR, SQL, TAG, (&["--purge"], "purge", false)],
            "[OPTIONS] [REVISION]",
            1,
        ),
        "check" => s(&[DIR], "[OPTIONS]", 0),
        "list-templates" => s(&[], "[OPTIONS]", 0),
        _ => return None,
    })
}

/// click's parsing of a subcommand's arguments.
pub(super) fn parse_opts(command: &str, spec: &Spec, args: &[String]) -> Result<Opts, Error> {
    let cmd = format!("flask db {command}");
    let mut opts = Opts::default();
    let mut i = 0;
    let mut only_positional = false;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if only_positional || a == "-" || !a.starts_with('-') {
            opts.positional.push(a.clone());
            continue;
        }
        if a == "--" {
            only_positional = true;
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        // Short options may carry their value attached: `-mmessage`.
        let (name, inline) = if !name.starts_with("--") && name.len() > 2 && inline.is_none() {
            (name[..2].to_string(), Some(name[2..].to_string()))
        } else {
            (name, inline)
        };
        let Some((_, canon, takes)) = spec
            .options
            .iter()
            .find(|(names, _, _)| names.contains(&name.as_str()))
        else {
            return Err(Error::usage(
                &cmd,
                spec.usage,
                format!(
                    "No such option '{}'.",
                    if a.starts_with("--") {
                        name.as_str()
                    } else {
                        a.as_str()
                    }
                ),
            ));
        };
        if *takes {
            let value = match inline {
                Some(v) => v,
                None => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => {
                        return Err(Error::usage(
                            &cmd,
                            spec.usage,
                            format!("Option '{name}' requires an argument."),
                        ))
                    }
                },
            };
            opts.values.push((canon.to_string(), value));
        } else {
            opts.flags.insert(canon.to_string());
        }
    }
    if opts.positional.len() > spec.max_positional {
        let extra = &opts.positional[spec.max_positional];
        return Err(Error::usage(
            &cmd,
            spec.usage,
            format!("Got unexpected extra argument ({extra})"),
        ));
    }
    Ok(opts)
}

/// Splits an argument string as a shell would (quotes and backslashes).
pub fn split_args(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut chars = args.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                has = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    has = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if has || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if has || !cur.is_empty() {
        out.push(cur);
    }
    out
}

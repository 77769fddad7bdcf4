//! Option parsing as git's `parse-options` does it: bundled short flags
//! (`-am msg`), values attached or separate (`-mmsg`, `--message=msg`),
//! and `--` before paths.

use std::collections::BTreeMap;

use super::error::GitError;

/// A parsed command line.
#[derive(Debug, Default)]
pub struct Args {
    /// Flags given, by the spelling in the spec (`-a`, `--all`).
    flags: Vec<String>,
    /// Values of options that take one, last one wins.
    values: BTreeMap<String, String>,
    /// Everything else, in order.
    pub operands: Vec<String>,
    /// True when `--` came before some operands.
    pub dashdash: bool,
}

impl Args {
    /// True when any of `names` was given.
    pub fn has(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.flags.iter().any(|f| f == n))
    }

    /// How many times any of `names` was given (`-vv` is two).
    pub fn count(&self, names: &[&str]) -> usize {
        self.flags
            .iter()
            .filter(|f| names.contains(&f.as_str()))
            .count()
    }

    /// The value of an option, by any of its names.
    pub fn value(&self, names: &[&str]) -> Option<&str> {
        names
            .iter()
            .find_map(|n| self.values.get(*n))
            .map(String::as_str)
    }
}

/// Parses `args` given the flags (`bools`) and the options that take a value
/// (`valued`); anything else starting with `-` is an unknown option.
pub fn parse(
    args: &[String],
    bools: &[&str],
    valued: &[&str],
    usage: &str,
) -> Result<Args, GitError> {
    let mut out = Args::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if out.dashdash || arg == "-" || !arg.starts_with('-') {
            out.operands.push(arg.clone());
            continue;
        }
        if arg == "--" {
            out.dashdash = true;
            continue;
        }
        if arg.starts_with("--") {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (arg.as_str(), None),
            };
            if valued.contains(&name) {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        let v = args.get(i).ok_or_else(|| GitError::needs_value(name))?;
                        i += 1;
                        v.clone()
                    }
                };
                out.values.insert(name.to_string(), value);
            } else if bools.contains(&name) && inline.is_none() {
                out.flags.push(name.to_string());
            } else {
                return Err(GitError::unknown_option(name, usage));
            }
            continue;
        }
        let chars: Vec<char> = arg[1..].chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let flag = format!("-{}", chars[k]);
            k += 1;
            if valued.contains(&flag.as_str()) {
                let rest: String = chars[k..].iter().collect();
                let value = if rest.is_empty() {
                    let v = args.get(i).ok_or_else(|| GitError::needs_value(&flag))?;
                    i += 1;
                    v.clone()
                } else {
                    rest
                };
                out.values.insert(flag, value);
                break;
            } else if bools.contains(&flag.as_str()) {
                out.flags.push(flag);
            } else {
                return Err(GitError::unknown_option(&flag, usage));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn flags_values_and_operands() {
        let bools = ["-a", "-q", "--all"];
        let valued = ["-m", "--message"];
        let cases: [(&str, bool, Option<&str>, &[&str]); 5] = [
            ("-am msg", true, Some("msg"), &[]),
            ("-mmsg file", false, Some("msg"), &["file"]),
            ("--message=a b", false, Some("a"), &["b"]),
            ("-- -a", false, None, &["-a"]),
            ("-qa x -m y", true, Some("y"), &["x"]),
        ];
        for (line, a, m, ops) in cases {
            let parsed = parse(&words(line), &bools, &valued, "usage").expect(line);
            assert_eq!(parsed.has(&["-a"]), a, "{line}");
            assert_eq!(parsed.value(&["-m", "--message"]), m, "{line}");
            assert_eq!(parsed.operands, ops, "{line}");
        }
    }

    #[test]
    fn unknown_options_and_missing_values() {
        let cases = [
            ("-x", "error: unknown switch `x'\nusage: usage\n", 129),
            (
                "--nope",
                "error: unknown option `nope'\nusage: usage\n",
                129,
            ),
            ("-m", "error: switch `m' requires a value\n", 129),
        ];
        for (line, text, status) in cases {
            let e = parse(&words(line), &["-a"], &["-m"], "usage").expect_err(line);
            assert_eq!((e.text.as_str(), e.status), (text, status), "{line}");
        }
    }
}

//! GNU-style option parsing shared by the coreutils look-alikes: bundled
//! short flags (`-la`), `--` to end options, and coreutils' error wording.

use crate::world::ctx::Ctx;

/// Parsed command line: the flags seen and the other operands.
pub struct Parsed {
    /// Short flags, each once, in the order first seen.
    pub flags: Vec<char>,
    /// Operands, in order.
    pub operands: Vec<String>,
}

impl Parsed {
    /// True when the flag was given.
    pub fn has(&self, flag: char) -> bool {
        self.flags.contains(&flag)
    }
}

/// Result of parsing: the command line, or the exit status to return at once.
pub type ParseResult = Result<Parsed, i32>;

/// Splits `args` into flags from `allowed` and operands. On an unknown flag it
/// prints coreutils' two lines and yields exit status `bad_status`; `--help`
/// prints the usage and yields 0.
pub fn parse(
    ctx: &mut Ctx,
    name: &str,
    synopsis: &str,
    args: &[String],
    allowed: &str,
    bad_status: i32,
) -> ParseResult {
    let mut flags = Vec::new();
    let mut operands = Vec::new();
    let mut only_operands = false;
    for arg in args {
        if only_operands || arg == "-" || !arg.starts_with('-') {
            operands.push(arg.clone());
        } else if arg == "--" {
            only_operands = true;
        } else if arg == "--help" {
            ctx.print(&format!("Usage: {synopsis}\n"));
            return Err(0);
        } else if arg.starts_with("--") {
            ctx.eprint(&format!(
                "{name}: unrecognized option '{arg}'\nTry '{name} --help' for more information.\n"
            ));
            return Err(bad_status);
        } else {
            for c in arg.chars().skip(1) {
                if !allowed.contains(c) {
                    ctx.eprint(&format!(
                        "{name}: invalid option -- '{c}'\nTry '{name} --help' for more information.\n"
                    ));
                    return Err(bad_status);
                }
                if !flags.contains(&c) {
                    flags.push(c);
                }
            }
        }
    }
    Ok(Parsed { flags, operands })
}

/// coreutils' `missing operand` pair of lines; returns status 1.
pub fn missing_operand(ctx: &mut Ctx, name: &str, what: &str) -> i32 {
    ctx.eprint(&format!(
        "{name}: missing {what}\nTry '{name} --help' for more information.\n"
    ));
    1
}

/// Quotes a file name as coreutils' shell-escape style does in messages:
/// `'name'`, or `"it's"` when it holds a single quote.
pub fn quote(name: &str) -> String {
    if name.contains('\'') {
        format!("\"{name}\"")
    } else {
        format!("'{name}'")
    }
}

//! [`FlaskShell`]: `flask shell`, Python's interactive console in the app's context, with
//! `db`, `app` and every model in its namespace (Flask-SQLAlchemy 3.1 adds them).
//!
//! Lines are read as `code.InteractiveConsole` reads them: a complete statement runs at once
//! (`>>> `); an open bracket or a block header asks for more (`... `), and a block ends with
//! an empty line. An expression's value is echoed with `repr`; errors print Python's
//! traceback with `File "<console>", line N, in <module>`. `exit()`, `quit()` or Ctrl-D end
//! it; the session is closed then (what was not committed is rolled back).

use std::collections::BTreeMap;

use crate::migrate::{parse_code, ProjectFiles};
use crate::sql::Cluster;

use super::exc::{frames, ErrKind};
use super::interp::{Func, Interp};
use super::orm::Orm;
use super::process::{AppProcess, StartFailure, Step};
use super::value::{Thing, Value};

/// The banner `flask shell` prints (on stderr) before the first prompt. The Python build line
/// is the recording machine's.
pub fn banner(project_dir: &str) -> String {
    format!(
        "Python 3.11.7 (main, May  9 2026, 07:35:25) [GCC 12.2.0] on linux\nApp: app\nInstance: {project_dir}/instance\n"
    )
}

/// What one line did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShellReply {
    /// Echoed values and `print` output.
    pub stdout: String,
    /// Tracebacks and warnings.
    pub stderr: String,
    /// True when the shell ended (`exit()`, `quit()`, Ctrl-D).
    pub exit: bool,
}

/// A running `flask shell`.
#[derive(Clone, Debug)]
pub struct FlaskShell {
    orm: Orm,
    globals: BTreeMap<String, Value>,
    funcs: BTreeMap<String, Func>,
    buffer: Vec<String>,
    project_dir: String,
    steps: Vec<Step>,
}

/// Longest input the console keeps waiting on (lines), so no input grows without bound.
const MAX_BUFFER: usize = 500;

impl FlaskShell {
    /// Imports the app as `flask shell` does (running its import-time database code on
    /// `cluster`); Err with what it prints when the import fails.
    pub fn start(
        files: &dyn ProjectFiles,
        project_dir: &str,
        env: &dyn Fn(&str) -> Option<String>,
        cluster: &mut Cluster,
    ) -> Result<FlaskShell, StartFailure> {
        let mut process =
            AppProcess::import(files, project_dir, env, frames::IMPORT_SHELL, "shell")?;
        process.run_startup_as(cluster, frames::IMPORT_SHELL)?;
        let mut globals = process.globals.clone();
        globals.remove("request");
        globals.remove("jsonify");
        globals.remove("os");
        globals.insert("app".into(), Value::Thing(Thing::App));
        Ok(FlaskShell {
            orm: process.orm.clone(),
            globals,
            funcs: BTreeMap::new(),
            buffer: Vec::new(),
            project_dir: project_dir.to_string(),
            steps: Vec::new(),
        })
    }

    /// The banner for this project.
    pub fn banner(&self) -> String {
        banner(&self.project_dir)
    }

    /// `>>> `, or `... ` while a statement is incomplete.
    pub fn prompt(&self) -> &'static str {
        if self.buffer.is_empty() {
            ">>> "
        } else {
            "... "
        }
    }

    /// The steps (SQL sent, objects staged) of the last complete input.
    pub fn last_steps(&self) -> &[Step] {
        &self.steps
    }

    /// Ends the shell: the session is closed, rolling back what was not committed.
    pub fn close(&mut self, cluster: &mut Cluster) {
        self.orm.close(cluster);
    }

    /// Reads one line. Ctrl-D is `\u{4}` at the start of a line.
    pub fn input(&mut self, cluster: &mut Cluster, line: &str) -> ShellReply {
        let mut reply = ShellReply::default();
        if line.starts_with('\u{4}') {
            reply
                .stderr
                .push_str("\nnow exiting InteractiveConsole...\n");
            reply.exit = true;
            self.close(cluster);
            return reply;
        }
        self.buffer.push(line.to_string());
        let source = self.buffer.join("\n");
        let parsed = parse_code("<console>", &format!("{source}\n"));
        let in_block = self.buffer.len() > 1 || header(&self.buffer[0]);
        let incomplete = match &parsed {
            Err(e) => {
                let text = e.to_string();
                text.contains("was never closed")
                    || text.contains("unterminated triple-quoted")
                    || (text.contains("expected an indented block") && !line.trim().is_empty())
            }
            Ok(_) => in_block && !line.trim().is_empty(),
        };
        if incomplete && self.buffer.len() < MAX_BUFFER && !line.ends_with('\u{4}') {
            return reply;
        }
        self.buffer.clear();
        let code = match parsed {
            Ok(code) => code,
            Err(e) => {
                reply.stderr.push_str(&console_syntax_error(&e.to_string()));
                return reply;
            }
        };
        self.orm.steps.clear();
        let result = {
            let mut interp = Interp::new(
                &mut self.orm,
                cluster,
                &mut self.globals,
                &mut self.funcs,
                None,
            );
            let r = interp.run_console(&code);
            let shown = match &r {
                Ok(Some(v)) if *v != Value::None => Some(interp.repr(v)),
                _ => None,
            };
            (r, std::mem::take(&mut interp.stdout), shown)
        };
        let (r, printed, shown) = result;
        reply.stdout.push_str(&printed);
        if let Some(text) = shown {
            reply.stdout.push_str(&text);
            reply.stdout.push('\n');
        }
        for w in std::mem::take(&mut self.orm.warnings) {
            reply.stderr.push_str(&format!("<console>:1: {w}\n"));
        }
        if let Err(e) = r {
            if e.kind == ErrKind::Exit {
                reply.exit = true;
                self.close(cluster);
            } else {
                reply.stderr.push_str(&e.render(""));
            }
        }
        self.steps = std::mem::take(&mut self.orm.steps);
        reply
    }
}

/// True for a line that opens a block (`for u in users:`), which needs an empty line to end.
fn header(line: &str) -> bool {
    let code = line.split('#').next().unwrap_or("").trim_end();
    code.ends_with(':') || code.ends_with('\\')
}

/// The console's `SyntaxError`: the frame without the caret when it points past the text.
fn console_syntax_error(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let is_caret = l.trim_start().starts_with('^') && l.trim().chars().all(|c| c == '^');
        if is_caret && i > 0 {
            let code_len = lines[i - 1].chars().count();
            let caret_col = l.chars().take_while(|c| *c == ' ').count();
            if caret_col >= code_len {
                continue;
            }
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

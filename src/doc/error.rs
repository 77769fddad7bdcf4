//! The document store's one error type, worded as mongosh and the server word it.
//!
//! Invariant: every error is built through a named constructor here, and `Display` prints
//! what mongosh prints (after the terminal has applied its carriage return: the `Uncaught`
//! prefix that Node's REPL writes is added by [`DocError::shell_text`]).

use std::fmt;

use super::format::{inspect, named, server_repr, InspectOptions};
use super::value::{Document, Value};

/// Which JavaScript or driver error class an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `SyntaxError`: the line is not valid JavaScript (as babel reports it).
    Syntax,
    /// `ReferenceError`: an unknown variable.
    Reference,
    /// `TypeError`: calling something that is not a function, reading a property of null.
    Type,
    /// `MongoServerError`: the server refused the operation.
    Server,
    /// `MongoBulkWriteError`: `insertMany` stopped at a write error.
    BulkWrite,
    /// `MongoInvalidArgumentError`: the driver refused the arguments before sending.
    InvalidArgument,
    /// `MongoshInvalidInputError`: mongosh refused the arguments.
    InvalidInput,
    /// `RangeError`: a limit of the JavaScript engine (nesting, string length).
    Range,
    /// `BSONError`: a BSON constructor refused its input.
    Bson,
    /// A plain JavaScript `Error`.
    Generic,
}

impl ErrorKind {
    /// The class name mongosh prints.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "SyntaxError",
            ErrorKind::Reference => "ReferenceError",
            ErrorKind::Type => "TypeError",
            ErrorKind::Server => "MongoServerError",
            ErrorKind::BulkWrite => "MongoBulkWriteError",
            ErrorKind::InvalidArgument => "MongoInvalidArgumentError",
            ErrorKind::InvalidInput => "MongoshInvalidInputError",
            ErrorKind::Range => "RangeError",
            ErrorKind::Bson => "BSONError",
            ErrorKind::Generic => "Error",
        }
    }
}

/// An error from evaluating one mongosh line.
#[derive(Clone, Debug, PartialEq)]
pub struct DocError {
    /// The error class.
    pub kind: ErrorKind,
    /// The message (for syntax errors it includes babel's code frame).
    pub message: String,
    /// The server's numeric error code, when the server raised it.
    pub code: Option<i32>,
    /// The server's code name (command errors carry one, write errors do not).
    pub code_name: Option<&'static str>,
    /// The structured parts printed below the message, when there are any.
    pub details: Option<Box<ErrorDetails>>,
}

/// What the server or driver attaches to an error besides its message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorDetails {
    /// `errInfo`, printed as `Additional information: …`.
    pub err_info: Option<Value>,
    /// A bulk write's partial result, printed as `Result: …`.
    pub result: Option<Value>,
    /// A bulk write's errors, printed as `Write Errors: …`.
    pub write_errors: Option<Value>,
}

impl DocError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        DocError {
            kind,
            message: message.into(),
            code: None,
            code_name: None,
            details: None,
        }
    }

    pub(crate) fn server(
        code: i32,
        code_name: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = DocError::new(ErrorKind::Server, message);
        e.code = Some(code);
        e.code_name = code_name;
        e
    }

    /// babel's syntax error: `message (line:col)` and the code frame below it.
    pub fn syntax(message: &str, source: &str, line: usize, col: usize) -> Self {
        let frame = code_frame(source, line, col);
        DocError::new(
            ErrorKind::Syntax,
            format!("{message} ({line}:{col})\n\n{frame}"),
        )
    }

    /// A `SyntaxError` raised while running (no code frame).
    pub fn syntax_plain(message: &str) -> Self {
        DocError::new(ErrorKind::Syntax, message)
    }

    /// `ReferenceError: x is not defined`.
    pub fn not_defined(name: &str) -> Self {
        DocError::new(ErrorKind::Reference, format!("{name} is not defined"))
    }

    /// `TypeError: db.users.insertone is not a function`.
    pub fn not_a_function(callee: &str) -> Self {
        DocError::new(ErrorKind::Type, format!("{callee} is not a function"))
    }

    /// `TypeError: Cannot read properties of undefined (reading 'x')`.
    pub fn cannot_read(of: &str, prop: &str) -> Self {
        DocError::new(
            ErrorKind::Type,
            format!("Cannot read properties of {of} (reading '{prop}')"),
        )
    }

    /// `TypeError: Assignment to constant variable.`
    pub fn const_assignment() -> Self {
        DocError::new(ErrorKind::Type, "Assignment to constant variable.")
    }

    /// `SyntaxError: Identifier 'x' has already been declared`.
    pub fn already_declared(name: &str) -> Self {
        DocError::new(
            ErrorKind::Syntax,
            format!("Identifier '{name}' has already been declared"),
        )
    }

    /// `RangeError: Maximum call stack size exceeded` and friends.
    pub fn range(message: impl Into<String>) -> Self {
        DocError::new(ErrorKind::Range, message)
    }

    /// `BSONError: …` from ObjectId, NumberLong and friends.
    pub fn bson(message: impl Into<String>) -> Self {
        DocError::new(ErrorKind::Bson, message)
    }

    /// A plain `Error: …`.
    pub fn generic(message: impl Into<String>) -> Self {
        DocError::new(ErrorKind::Generic, message)
    }

    /// `exit()` called as a function: the shell ends the session.
    pub fn exit() -> Self {
        DocError::new(ErrorKind::Generic, "\u{0}exit")
    }

    /// Whether this is the signal of [`DocError::exit`] rather than a real error.
    pub fn is_exit(&self) -> bool {
        self.kind == ErrorKind::Generic && self.message == "\u{0}exit"
    }

    /// A plain `TypeError` with the given text.
    pub fn type_error(message: impl Into<String>) -> Self {
        DocError::new(ErrorKind::Type, message)
    }

    /// The driver's `MongoInvalidArgumentError`.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        DocError::new(ErrorKind::InvalidArgument, message)
    }

    /// `Update document requires atomic operators`.
    pub fn requires_atomic_operators() -> Self {
        DocError::invalid_argument("Update document requires atomic operators")
    }

    /// `Replacement document must not contain atomic operators`.
    pub fn replacement_has_operators() -> Self {
        DocError::invalid_argument("Replacement document must not contain atomic operators")
    }

    /// mongosh's own argument checks.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        DocError::new(ErrorKind::InvalidInput, message)
    }

    /// 2 BadValue: `unknown operator: $foo`.
    pub fn unknown_operator(op: &str) -> Self {
        DocError::server(2, Some("BadValue"), format!("unknown operator: {op}"))
    }

    /// 2 BadValue: an unknown `$` operator at the top of a filter.
    pub fn unknown_top_level_operator(op: &str) -> Self {
        DocError::server(
            2,
            Some("BadValue"),
            format!("unknown top level operator: {op}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField."),
        )
    }

    /// 2 BadValue with the server's text.
    pub fn bad_value(message: impl Into<String>) -> Self {
        DocError::server(2, Some("BadValue"), message)
    }

    /// A command error with an arbitrary code and code name.
    pub fn server_code(code: i32, code_name: &'static str, message: impl Into<String>) -> Self {
        DocError::server(code, Some(code_name), message)
    }

    /// 9 FailedToParse with the server's text.
    pub fn failed_to_parse(message: impl Into<String>) -> Self {
        DocError::server(9, Some("FailedToParse"), message)
    }

    /// 9 FailedToParse: an unknown update modifier.
    pub fn unknown_modifier(op: &str) -> Self {
        DocError::failed_to_parse(format!("Unknown modifier: {op}. Expected a valid update modifier or pipeline-style update specified as an array"))
    }

    /// 14 TypeMismatch (a write error, so no code name is printed).
    pub fn type_mismatch(message: impl Into<String>) -> Self {
        DocError::server(14, None, message)
    }

    /// 14 TypeMismatch as a command error (with its code name).
    pub fn type_mismatch_cmd(message: impl Into<String>) -> Self {
        DocError::server(14, Some("TypeMismatch"), message)
    }

    /// 66 ImmutableField: an update would change `_id`.
    pub fn immutable_id() -> Self {
        DocError::server(
            66,
            None,
            "Performing an update on the path '_id' would modify the immutable field '_id'",
        )
    }

    /// 40 ConflictingUpdateOperators.
    pub fn conflicting_update(path: &str, conflict: &str) -> Self {
        DocError::server(
            40,
            None,
            format!("Updating the path '{path}' would create a conflict at '{conflict}'"),
        )
    }

    /// 11000 duplicate key (a write error).
    pub fn duplicate_key(ns: &str, index: &str, key: &Document) -> Self {
        DocError::server(
            11000,
            None,
            format!(
                "E11000 duplicate key error collection: {ns} index: {index} dup key: {}",
                server_repr(&Value::Document(key.clone()))
            ),
        )
    }

    /// 121 DocumentValidationFailure with its `errInfo`.
    pub fn validation_failed(err_info: Value) -> Self {
        let mut e = DocError::server(121, None, "Document failed validation");
        e.details = Some(Box::new(ErrorDetails {
            err_info: Some(err_info),
            ..ErrorDetails::default()
        }));
        e
    }

    /// 48 NamespaceExists: `createCollection` on an existing name.
    pub fn namespace_exists(ns: &str) -> Self {
        DocError::server(
            48,
            Some("NamespaceExists"),
            format!("Collection {ns} already exists."),
        )
    }

    /// 73 InvalidNamespace.
    pub fn invalid_namespace(message: impl Into<String>) -> Self {
        DocError::server(73, Some("InvalidNamespace"), message)
    }

    /// Turns `insertMany`'s write errors into the driver's `MongoBulkWriteError`:
    /// `failures` are (index, error, document) in order and never empty, `inserted` the
    /// (index, `_id`) of the documents that went in.
    pub fn bulk_write(
        failures: Vec<(usize, DocError, Value)>,
        inserted: Vec<(usize, Value)>,
    ) -> DocError {
        let mut write_errors = Vec::new();
        let mut first: Option<(String, Option<i32>)> = None;
        for (index, e, op) in failures {
            let mut err = Document::new();
            err.insert("index", Value::Double(index as f64));
            err.insert("code", Value::Double(f64::from(e.code.unwrap_or(0))));
            err.insert("errmsg", Value::String(e.message.clone()));
            err.insert(
                "errInfo",
                e.details
                    .as_ref()
                    .and_then(|d| d.err_info.clone())
                    .unwrap_or(Value::Undefined),
            );
            err.insert("op", op);
            let mut we = Document::new();
            we.insert("err", Value::Document(err));
            write_errors.push(named("WriteError", we));
            first.get_or_insert((e.message, e.code));
        }
        let mut ids = Document::new();
        let count = inserted.len();
        for (i, id) in inserted {
            ids.insert(i.to_string(), id);
        }
        let mut res = Document::new();
        res.insert("insertedCount", Value::Double(count as f64));
        for k in [
            "matchedCount",
            "modifiedCount",
            "deletedCount",
            "upsertedCount",
        ] {
            res.insert(k, Value::Double(0.0));
        }
        res.insert("upsertedIds", Value::Document(Document::new()));
        res.insert("insertedIds", Value::Document(ids));
        let (message, code) = first.unwrap_or_default();
        let mut e = DocError::new(ErrorKind::BulkWrite, message);
        e.code = code;
        e.details = Some(Box::new(ErrorDetails {
            err_info: None,
            result: Some(named("BulkWriteResult", res)),
            write_errors: Some(Value::Array(write_errors)),
        }));
        e
    }

    /// The same error reported as a write error: write errors carry no code name.
    pub fn as_write_error(mut self) -> Self {
        self.code_name = None;
        self
    }

    /// What the terminal shows: Node's REPL writes `Uncaught` before the error; a one-line
    /// error overwrites it (mongosh starts with a carriage return), a longer one keeps
    /// `Uncaught:` on a line of its own.
    pub fn shell_text(&self) -> String {
        let text = self.to_string();
        if text.contains('\n') {
            format!("Uncaught:\n{text}")
        } else {
            text
        }
    }
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.name())?;
        if let Some(c) = self.code_name {
            write!(f, "[{c}]")?;
        }
        write!(f, ": {}", self.message)?;
        if self.kind == ErrorKind::Syntax {
            writeln!(f)?;
        }
        let Some(details) = &self.details else {
            return Ok(());
        };
        if let Some(info) = &details.err_info {
            write!(
                f,
                "\nAdditional information: {}",
                inspect(info, InspectOptions::full())
            )?;
        }
        if let Some(r) = &details.result {
            write!(f, "\nResult: {}", inspect(r, InspectOptions::full()))?;
        }
        if let Some(w) = &details.write_errors {
            write!(f, "\nWrite Errors: {}", inspect(w, InspectOptions::full()))?;
        }
        Ok(())
    }
}

impl std::error::Error for DocError {}

/// babel's code frame: up to two lines above and three below the error line, a `>` marker
/// on the error line and a caret under the column.
fn code_frame(source: &str, line: usize, col: usize) -> String {
    let lines: Vec<&str> = source.split('\n').collect();
    let first = line.saturating_sub(2).max(1);
    let last = (line + 3).min(lines.len());
    let width = last.to_string().len();
    let mut out = Vec::new();
    for n in first..=last {
        let text = lines.get(n - 1).copied().unwrap_or("");
        let gutter = format!("{n:>width$} |");
        let marker = if n == line { ">" } else { " " };
        if text.is_empty() {
            out.push(format!("{marker} {gutter}"));
        } else {
            out.push(format!("{marker} {gutter} {text}"));
        }
        if n == line {
            let pad: String = text
                .chars()
                .take(col)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push(format!("  {} | {pad}^", " ".repeat(width)));
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_babels_frame() {
        let e = DocError::syntax("Unexpected token", "db.foo.find({)\n", 1, 13);
        assert_eq!(
            e.to_string(),
            "SyntaxError: Unexpected token (1:13)\n\n> 1 | db.foo.find({)\n    |              ^\n  2 |\n"
        );
        let e = DocError::syntax(
            "Unexpected token, expected \",\"",
            "db.users.insertOne({name: 'x'\n",
            2,
            0,
        );
        assert_eq!(
            e.message,
            "Unexpected token, expected \",\" (2:0)\n\n  1 | db.users.insertOne({name: 'x'\n> 2 |\n    | ^"
        );
    }
}

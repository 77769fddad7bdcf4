//! Reads the Python that `models.py`, `app.py` and revision scripts use into a small AST.
//!
//! This is the only file that sees pest's `Pair` and `Rule`. Reading happens in three steps:
//! a scanner joins physical lines into logical lines (open brackets, backslashes and
//! triple-quoted strings continue a line; comments go), indentation builds blocks, and
//! `python.pest` reads each logical line. Errors are Python's own: `SyntaxError` or
//! `IndentationError` with the file's line, never a panic.

use pest::iterators::Pair;
use pest::Parser;

use super::error::Error;

#[derive(pest_derive::Parser)]
#[grammar = "migrate/python.pest"]
struct PythonParser;

/// Deepest bracket nesting accepted; Python's own parser gives up near here too.
const MAX_NESTING: usize = 100;

/// A Python expression, as far as the simulator reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `name`
    Name(String),
    /// `value.attr`
    Attr(Box<Expr>, String),
    /// `func(args, key=value)`
    Call {
        /// What is called.
        func: Box<Expr>,
        /// Positional arguments.
        args: Vec<Expr>,
        /// Keyword arguments in order.
        kwargs: Vec<(String, Expr)>,
    },
    /// A string literal (adjacent literals joined, escapes resolved).
    Str(String),
    /// An integer literal.
    Int(i64),
    /// `True` / `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `(a, b)` or a bare `a, b`.
    Tuple(Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// Valid Python the simulator does not interpret (operators, lambdas, dicts…): its text.
    Other(String),
}

impl Expr {
    /// The dotted name of a `Name`/`Attr` chain (`db.Column`), if it is one.
    pub fn dotted(&self) -> Option<String> {
        match self {
            Expr::Name(n) => Some(n.clone()),
            Expr::Attr(v, a) => v.dotted().map(|d| format!("{d}.{a}")),
            _ => None,
        }
    }
}

/// One statement with the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// Line number in the file.
    pub line: usize,
    /// What it is.
    pub kind: StmtKind,
}

/// The statements the simulator distinguishes.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `import …` / `from … import …`: the module names it imports.
    Import(Vec<String>),
    /// `from module import a, b as c`: the module and the names it takes from it.
    FromImport {
        /// The module.
        module: String,
        /// The imported names (before any `as`).
        names: Vec<String>,
    },
    /// `pass`
    Pass,
    /// `target = value`
    Assign(Expr, Expr),
    /// A bare expression (a call, a docstring).
    Expr(Expr),
    /// `class Name(bases):` with its body.
    Class {
        /// Class name.
        name: String,
        /// Base classes.
        bases: Vec<Expr>,
        /// Body statements.
        body: Vec<Stmt>,
    },
    /// `def name(…):` with its body.
    Def {
        /// Function name.
        name: String,
        /// Body statements.
        body: Vec<Stmt>,
    },
    /// `with expr as alias:` with its body.
    With {
        /// The context expression.
        expr: Expr,
        /// The `as` name, if any.
        alias: Option<String>,
        /// Body statements.
        body: Vec<Stmt>,
    },
    /// Any other valid statement (`if`, `for`, `return`, a decorator…); its first word.
    Other(String),
}

/// A parsed module: its statements and its source lines (for error carets).
#[derive(Clone, Debug)]
pub struct Module {
    /// Top-level statements.
    pub body: Vec<Stmt>,
}

/// A logical line: where it starts, its indentation and its text without comments.
struct Logical {
    line: usize,
    indent: usize,
    text: String,
}

/// Logical lines already read, by text: revision files repeat most of theirs (imports,
/// `branch_labels = None`, `def upgrade():`), so one command reading many files reads each
/// distinct line once. Only lines that parsed are kept. A caller may keep one across commands
/// (the world does): a line's parse depends on its text alone.
#[derive(Clone, Debug, Default)]
pub struct LineCache {
    lines: std::collections::BTreeMap<String, Line>,
    /// Whole files read, by a hash of their text, with the text: a file's
    /// parse depends on its text alone.
    modules: std::collections::BTreeMap<u64, Vec<(String, Module)>>,
    /// Revision files read, by a hash of path, name and text, with those.
    scripts: std::collections::BTreeMap<u64, Vec<([String; 3], super::script::Script)>>,
}

impl LineCache {
    /// The revision file read before from the same path, name and text.
    pub(crate) fn script(&self, key: &[&str; 3]) -> Option<&super::script::Script> {
        self.scripts
            .get(&text_hash(&key.concat()))?
            .iter()
            .find(|(k, _)| k.iter().zip(key).all(|(a, b)| a == b))
            .map(|(_, s)| s)
    }

    /// Keeps a revision file read from `key` (path, name, text).
    pub(crate) fn keep_script(&mut self, key: &[&str; 3], script: &super::script::Script) {
        self.scripts
            .entry(text_hash(&key.concat()))
            .or_default()
            .push((key.map(str::to_string), script.clone()));
    }
}

/// FNV-1a over the text: a cheap key that spares comparing whole files.
fn text_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Parses a whole file; `path` is used in error messages.
pub fn parse_module(path: &str, source: &str) -> Result<Module, Error> {
    parse_module_with(path, source, &mut LineCache::default())
}

/// Parses a whole file, reusing lines read before.
pub fn parse_module_with(path: &str, source: &str, cache: &mut LineCache) -> Result<Module, Error> {
    let key = text_hash(source);
    if let Some((_, module)) = cache
        .modules
        .get(&key)
        .and_then(|same| same.iter().find(|(text, _)| text == source))
    {
        return Ok(module.clone());
    }
    let logical = logical_lines(path, source)?;
    let mut pos = 0;
    let body = parse_block(path, source, &logical, &mut pos, 0, cache)?;
    let module = Module { body };
    cache
        .modules
        .entry(key)
        .or_default()
        .push((source.to_string(), module.clone()));
    Ok(module)
}

fn syntax(path: &str, source: &str, line: usize, col: usize, msg: &str) -> Error {
    let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
    Error::python_syntax(path, line, text, col, msg)
}

/// Joins physical lines into logical lines, dropping comments and blank lines.
fn logical_lines(path: &str, source: &str) -> Result<Vec<Logical>, Error> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        // Start of a physical line: measure indentation.
        let start_line = line;
        let mut indent = 0;
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
            indent += if chars[i] == '\t' { 8 - indent % 8 } else { 1 };
            i += 1;
        }
        let mut text = String::new();
        let mut stack: Vec<(char, usize, usize)> = Vec::new();
        let mut col = indent;
        loop {
            if i >= chars.len() {
                if let Some((open, l, c)) = stack.last() {
                    return Err(syntax(
                        path,
                        source,
                        *l,
                        *c,
                        &format!("'{open}' was never closed"),
                    ));
                }
                break;
            }
            let c = chars[i];
            match c {
                '#' => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                '\n' => {
                    i += 1;
                    line += 1;
                    col = 0;
                    if stack.is_empty() {
                        break;
                    }
                    text.push('\n');
                }
                '\\' if chars.get(i + 1) == Some(&'\n') => {
                    i += 2;
                    line += 1;
                    col = 0;
                    text.push(' ');
                }
                '(' | '[' | '{' => {
                    if stack.len() >= MAX_NESTING {
                        return Err(syntax(
                            path,
                            source,
                            line,
                            col,
                            "too many nested parentheses",
                        ));
                    }
                    stack.push((c, line, col));
                    text.push(c);
                    i += 1;
                    col += 1;
                }
                ')' | ']' | '}' => {
                    let want = match c {
                        ')' => '(',
                        ']' => '[',
                        _ => '{',
                    };
                    match stack.pop() {
                        Some((open, _, _)) if open == want => {}
                        Some((open, _, _)) => {
                            return Err(syntax(
                                path,
                                source,
                                line,
                                col,
                                &format!(
                                    "closing parenthesis '{c}' does not match opening parenthesis '{open}'"
                                ),
                            ))
                        }
                        None => {
                            return Err(syntax(
                                path,
                                source,
                                line,
                                col,
                                &format!("unmatched '{c}'"),
                            ))
                        }
                    }
                    text.push(c);
                    i += 1;
                    col += 1;
                }
                '"' | '\'' => {
                    let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
                    let (str_line, str_col) = (line, col);
                    if triple {
                        text.extend([c, c, c]);
                        i += 3;
                        loop {
                            if i >= chars.len() {
                                return Err(syntax(
                                    path,
                                    source,
                                    str_line,
                                    str_col,
                                    &format!(
                                        "unterminated triple-quoted string literal (detected at line {line})"
                                    ),
                                ));
                            }
                            if chars[i] == c
                                && chars.get(i + 1) == Some(&c)
                                && chars.get(i + 2) == Some(&c)
                            {
                                text.extend([c, c, c]);
                                i += 3;
                                break;
                            }
                            if chars[i] == '\\' && i + 1 < chars.len() {
                                text.push('\\');
                                i += 1;
                            }
                            if chars[i] == '\n' {
                                line += 1;
                            }
                            text.push(chars[i]);
                            i += 1;
                        }
                        col = 0;
                    } else {
                        text.push(c);
                        i += 1;
                        loop {
                            match chars.get(i) {
                                None | Some('\n') => {
                                    return Err(syntax(
                                        path,
                                        source,
                                        str_line,
                                        str_col,
                                        &format!(
                                            "unterminated string literal (detected at line {line})"
                                        ),
                                    ))
                                }
                                Some('\\') if i + 1 < chars.len() => {
                                    text.push('\\');
                                    text.push(chars[i + 1]);
                                    if chars[i + 1] == '\n' {
                                        line += 1;
                                    }
                                    i += 2;
                                }
                                Some(&q) if q == c => {
                                    text.push(q);
                                    i += 1;
                                    break;
                                }
                                Some(&o) => {
                                    text.push(o);
                                    i += 1;
                                }
                            }
                        }
                        col += 1;
                    }
                }
                _ => {
                    text.push(c);
                    i += 1;
                    col += 1;
                }
            }
        }
        if !text.trim().is_empty() {
            out.push(Logical {
                line: start_line,
                indent,
                text: text.trim_end().to_string(),
            });
        }
    }
    Ok(out)
}

/// Parses the statements of one block: consecutive logical lines at `indent`.
fn parse_block(
    path: &str,
    source: &str,
    lines: &[Logical],
    pos: &mut usize,
    indent: usize,
    cache: &mut LineCache,
) -> Result<Vec<Stmt>, Error> {
    let mut body = Vec::new();
    while let Some(l) = lines.get(*pos) {
        if l.indent < indent {
            break;
        }
        if l.indent > indent {
            return Err(Error::python_indentation(
                path,
                l.line,
                source.lines().nth(l.line - 1).unwrap_or(""),
                "unexpected indent",
            ));
        }
        *pos += 1;
        let header = match cache.lines.get(&l.text) {
            Some(hit) => hit.clone(),
            None => {
                let parsed = parse_line(path, source, l)?;
                cache.lines.insert(l.text.clone(), parsed.clone());
                parsed
            }
        };
        let stmt = match header {
            Line::Simple(kind) => Stmt { line: l.line, kind },
            Line::Block { kind, inline, what } => {
                let block = match inline {
                    Some(simple) => vec![Stmt {
                        line: l.line,
                        kind: simple,
                    }],
                    None => match lines.get(*pos) {
                        Some(next) if next.indent > indent => {
                            parse_block(path, source, lines, pos, next.indent, cache)?
                        }
                        next => {
                            let at = next.map_or(l.line + 1, |n| n.line);
                            return Err(Error::python_indentation(
                                path,
                                at,
                                source.lines().nth(at.saturating_sub(1)).unwrap_or(""),
                                &format!(
                                    "expected an indented block after {what} on line {}",
                                    l.line
                                ),
                            ));
                        }
                    },
                };
                Stmt {
                    line: l.line,
                    kind: kind.with_body(block),
                }
            }
        };
        body.push(stmt);
        if let Some(next) = lines.get(*pos) {
            if next.indent < indent && !lines[..*pos].iter().any(|p| p.indent == next.indent) {
                return Err(Error::python_indentation(
                    path,
                    next.line,
                    source.lines().nth(next.line - 1).unwrap_or(""),
                    "unindent does not match any outer indentation level",
                ));
            }
        }
    }
    Ok(body)
}

/// A logical line read: a simple statement, or a block header waiting for its body.
#[derive(Clone, Debug)]
enum Line {
    Simple(StmtKind),
    Block {
        kind: StmtKind,
        inline: Option<StmtKind>,
        what: String,
    },
}

impl StmtKind {
    fn with_body(self, block: Vec<Stmt>) -> StmtKind {
        match self {
            StmtKind::Class { name, bases, .. } => StmtKind::Class {
                name,
                bases,
                body: block,
            },
            StmtKind::Def { name, .. } => StmtKind::Def { name, body: block },
            StmtKind::With { expr, alias, .. } => StmtKind::With {
                expr,
                alias,
                body: block,
            },
            other => other,
        }
    }
}

fn parse_line(path: &str, source: &str, l: &Logical) -> Result<Line, Error> {
    let pairs = PythonParser::parse(Rule::line, &l.text).map_err(|e| {
        let offset = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        let offset = offset.min(l.text.len());
        let before = &l.text[..offset];
        let line = l.line + before.matches('\n').count();
        let col_of = |upto: &str| match upto.rfind('\n') {
            Some(nl) => upto[nl + 1..].chars().count(),
            None => l.indent + upto.chars().count(),
        };
        // Python suggests a missing comma when two expressions meet inside brackets, and
        // underlines both: `unique=True nullable` → "Perhaps you forgot a comma?".
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
        let prev = before.trim_end();
        let prev_start = prev
            .char_indices()
            .rev()
            .take_while(|(_, c)| word(*c) || *c == '\'' || *c == '"' || *c == ')')
            .last()
            .map_or(prev.len(), |(i, _)| i);
        let next_len = l.text[offset..].chars().take_while(|c| word(*c)).count();
        let open =
            before.matches(['(', '[', '{']).count() > before.matches([')', ']', '}']).count();
        let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
        if open && prev_start < prev.len() && next_len > 0 && !prev.ends_with(['(', ',', '=']) {
            let start = col_of(&before[..prev_start]);
            let end = col_of(before) + next_len;
            Error::python_syntax_span(
                path,
                line,
                text,
                (start, end.saturating_sub(start)),
                "invalid syntax. Perhaps you forgot a comma?",
            )
        } else {
            syntax(path, source, line, col_of(before), "invalid syntax")
        }
    })?;
    let Some(pair) = pairs.into_iter().next() else {
        return Ok(Line::Simple(StmtKind::Pass));
    };
    Ok(build_statement(pair))
}

fn build_statement(pair: Pair<Rule>) -> Line {
    let rule = pair.as_rule();
    let text = pair.as_str().to_string();
    let mut inner = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
    match rule {
        Rule::class_header => {
            let name = inner
                .next()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default();
            let mut bases = Vec::new();
            let mut inline = None;
            for p in inner {
                match p.as_rule() {
                    Rule::positional | Rule::kwarg | Rule::star_arg => {
                        if let (Some(e), None) = build_argument(p) {
                            bases.push(e);
                        }
                    }
                    _ => inline = Some(build_simple(p)),
                }
            }
            Line::Block {
                kind: StmtKind::Class {
                    name,
                    bases,
                    body: Vec::new(),
                },
                inline,
                what: "class definition".to_string(),
            }
        }
        Rule::def_header => {
            let name = inner
                .next()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default();
            let inline = inner
                .filter(|p| !matches!(p.as_rule(), Rule::params | Rule::expr))
                .map(build_simple)
                .next();
            Line::Block {
                kind: StmtKind::Def {
                    name,
                    body: Vec::new(),
                },
                inline,
                what: "function definition".to_string(),
            }
        }
        Rule::with_header => {
            let expr = inner.next().map(build_expr).unwrap_or(Expr::None);
            let mut alias = None;
            let mut inline = None;
            for p in inner {
                if p.as_rule() == Rule::ident {
                    alias = Some(p.as_str().to_string());
                } else {
                    inline = Some(build_simple(p));
                }
            }
            Line::Block {
                kind: StmtKind::With {
                    expr,
                    alias,
                    body: Vec::new(),
                },
                inline,
                what: "'with' statement".to_string(),
            }
        }
        Rule::block_header => {
            let word = inner
                .next()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default();
            Line::Block {
                kind: StmtKind::Other(word.clone()),
                inline: None,
                what: format!("'{word}' statement"),
            }
        }
        Rule::decorator => Line::Simple(StmtKind::Other("@".to_string())),
        _ => Line::Simple(build_simple_rule(rule, text, inner)),
    }
}

/// Keyword tokens carry no information once the rule around them matched.
fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_class
            | Rule::kw_def
            | Rule::kw_with
            | Rule::kw_as
            | Rule::kw_pass
            | Rule::kw_import
            | Rule::kw_return
    )
}

fn build_simple(pair: Pair<Rule>) -> StmtKind {
    let rule = pair.as_rule();
    let text = pair.as_str().to_string();
    build_simple_rule(
        rule,
        text,
        pair.into_inner().filter(|p| !is_keyword(p.as_rule())),
    )
}

fn build_simple_rule<'i>(
    rule: Rule,
    text: String,
    mut inner: impl Iterator<Item = Pair<'i, Rule>>,
) -> StmtKind {
    match rule {
        Rule::pass_stmt => StmtKind::Pass,
        Rule::import_stmt if text.starts_with("from") => {
            let module = text.split_whitespace().nth(1).unwrap_or("").to_string();
            let names = text
                .split_once(" import ")
                .map(|(_, rest)| {
                    rest.trim()
                        .trim_start_matches('(')
                        .trim_end_matches(')')
                        .split(',')
                        .filter_map(|n| n.split_whitespace().next().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            StmtKind::FromImport { module, names }
        }
        Rule::import_stmt => StmtKind::Import(import_modules(&text)),
        Rule::return_stmt => StmtKind::Other("return".to_string()),
        Rule::small_stmt => {
            let target = inner.next().map(build_expr_list).unwrap_or(Expr::None);
            let mut value = None;
            let mut augmented = false;
            for p in inner {
                match p.as_rule() {
                    Rule::aug_op => augmented = true,
                    Rule::expr_list => value = Some(build_expr_list(p)),
                    _ => {}
                }
            }
            match (augmented, value) {
                (true, _) => StmtKind::Other("augmented assignment".to_string()),
                (false, Some(v)) => StmtKind::Assign(target, v),
                (false, None) => StmtKind::Expr(target),
            }
        }
        _ => unreachable!("build_simple: {rule:?}"),
    }
}

/// The modules an import statement names (`from models import User` → `models`).
fn import_modules(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.first() {
        Some(&"from") => words
            .get(1)
            .map(|m| vec![m.to_string()])
            .unwrap_or_default(),
        _ => text
            .trim_start_matches("import")
            .split(',')
            .filter_map(|part| part.split_whitespace().next().map(str::to_string))
            .collect(),
    }
}

fn build_expr_list(pair: Pair<Rule>) -> Expr {
    let text = pair.as_str();
    let trailing_comma = text.trim_end().ends_with(',');
    let mut items: Vec<Expr> = pair.into_inner().map(build_expr).collect();
    if items.len() == 1 && !trailing_comma {
        items.pop().unwrap_or(Expr::None)
    } else {
        Expr::Tuple(items)
    }
}

fn build_expr(pair: Pair<Rule>) -> Expr {
    let text = pair.as_str().trim().to_string();
    let mut inner: Vec<Pair<Rule>> = pair.into_inner().collect();
    // Anything but one postfix chain (operators, conditionals) is kept as text.
    if inner.len() != 1 || inner[0].as_rule() != Rule::postfix {
        return Expr::Other(text);
    }
    let postfix = inner.remove(0);
    let post_text = postfix.as_str().trim().to_string();
    if post_text != text {
        return Expr::Other(text);
    }
    let mut parts = postfix.into_inner();
    let Some(atom) = parts.next() else {
        return Expr::Other(text);
    };
    let mut value = build_atom(atom);
    for trailer in parts {
        value = match trailer.as_rule() {
            Rule::attribute => {
                let name = trailer
                    .into_inner()
                    .next()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                Expr::Attr(Box::new(value), name)
            }
            Rule::call => {
                let mut args = Vec::new();
                let mut kwargs = Vec::new();
                for a in trailer.into_inner() {
                    match build_argument(a) {
                        (Some(e), None) => args.push(e),
                        (Some(e), Some(k)) => kwargs.push((k, e)),
                        _ => args.push(Expr::Other("*".to_string())),
                    }
                }
                Expr::Call {
                    func: Box::new(value),
                    args,
                    kwargs,
                }
            }
            _ => Expr::Other(text.clone()),
        };
    }
    value
}

/// An argument: (value, keyword).
fn build_argument(pair: Pair<Rule>) -> (Option<Expr>, Option<String>) {
    match pair.as_rule() {
        Rule::kwarg => {
            let mut inner = pair.into_inner();
            let key = inner.next().map(|p| p.as_str().to_string());
            (inner.next().map(build_expr), key)
        }
        Rule::positional => {
            let text = pair.as_str().to_string();
            let mut inner = pair.into_inner();
            let value = inner.next().map(build_expr);
            if inner.next().is_some() {
                (Some(Expr::Other(text)), None)
            } else {
                (value, None)
            }
        }
        _ => (Some(Expr::Other(pair.as_str().to_string())), None),
    }
}

fn build_atom(pair: Pair<Rule>) -> Expr {
    let text = pair.as_str().to_string();
    match pair.as_rule() {
        Rule::none => Expr::None,
        Rule::true_lit => Expr::Bool(true),
        Rule::false_lit => Expr::Bool(false),
        Rule::ident => Expr::Name(text),
        Rule::number => match text.replace('_', "").parse::<i64>() {
            Ok(n) => Expr::Int(n),
            Err(_) => Expr::Other(text),
        },
        Rule::string => {
            let mut out = String::new();
            for part in pair.into_inner() {
                match string_value(part) {
                    Some(s) => out.push_str(&s),
                    None => return Expr::Other(text),
                }
            }
            Expr::Str(out)
        }
        Rule::paren => {
            let mut inner = pair.into_inner();
            match (inner.next(), inner.next()) {
                (None, _) => Expr::Tuple(Vec::new()),
                (Some(first), None) if first.as_rule() == Rule::expr_list => build_expr_list(first),
                _ => Expr::Other(text),
            }
        }
        Rule::list => {
            let mut inner = pair.into_inner();
            match (inner.next(), inner.next()) {
                (None, _) => Expr::List(Vec::new()),
                (Some(first), None) if first.as_rule() == Rule::expr_list => {
                    Expr::List(first.into_inner().map(build_expr).collect())
                }
                _ => Expr::Other(text),
            }
        }
        _ => Expr::Other(text),
    }
}

/// The value of one string literal part; `None` for f-strings and bytes.
fn string_value(part: Pair<Rule>) -> Option<String> {
    let mut raw = false;
    let mut body = "";
    for p in part.into_inner() {
        match p.as_rule() {
            Rule::prefix => {
                let pre = p.as_str().to_ascii_lowercase();
                if pre.contains('f') || pre.contains('b') {
                    return None;
                }
                raw = pre.contains('r');
            }
            Rule::triple_dq | Rule::triple_sq => {
                let s = p.as_str();
                body = &s[3..s.len() - 3];
            }
            _ => {
                let s = p.as_str();
                body = &s[1..s.len() - 1];
            }
        }
    }
    if raw {
        return Some(body.to_string());
    }
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('\n') => {}
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Module, Error> {
        parse_module("/p/models.py", src)
    }

    #[test]
    fn reads_a_model_class() {
        let m = parse(
            "from app import db\n\n\nclass User(db.Model):\n    __tablename__ = \"users\"\n\n    id = db.Column(db.Integer, primary_key=True)\n    name = db.Column(\n        db.String(80),  # the name\n        nullable=False,\n    )\n",
        )
        .unwrap();
        assert_eq!(m.body.len(), 2);
        let StmtKind::Class { name, body, bases } = &m.body[1].kind else {
            panic!("{:?}", m.body[1]);
        };
        assert_eq!(name, "User");
        assert_eq!(bases[0].dotted().as_deref(), Some("db.Model"));
        assert_eq!(body.len(), 3);
        assert_eq!(body[2].line, 8);
        let StmtKind::Assign(_, Expr::Call { kwargs, args, .. }) = &body[2].kind else {
            panic!()
        };
        assert_eq!(kwargs[0], ("nullable".to_string(), Expr::Bool(false)));
        assert!(matches!(&args[0], Expr::Call { .. }));
    }

    #[test]
    fn reports_python_errors_with_lines() {
        let cases = [
            ("x = (1,\n", "line 1", "'(' was never closed"),
            (
                "x = db.Column(db.Integer nullable=False)\n",
                "line 1",
                "invalid syntax",
            ),
            (
                "class A:\nx = 1\n",
                "line 2",
                "expected an indented block after class definition on line 1",
            ),
            ("x = 1\n    y = 2\n", "line 2", "unexpected indent"),
            (
                "s = '''abc\n",
                "line 1",
                "unterminated triple-quoted string literal (detected at line 2)",
            ),
            (
                "x = 'abc\n",
                "line 1",
                "unterminated string literal (detected at line 1)",
            ),
        ];
        for (src, line, msg) in cases {
            let e = parse(src).unwrap_err().to_string();
            assert!(e.contains(line) && e.contains(msg), "{src:?}: {e}");
        }
    }

    #[test]
    fn reads_revision_constructs() {
        let src = "\"\"\"add age\n\nRevision ID: abc\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = 'abc'\ndown_revision = ('a', 'b')\n\ndef upgrade():\n    with op.batch_alter_table('users', schema=None) as batch_op:\n        batch_op.add_column(sa.Column('age', sa.Integer(), nullable=True))\n\n\ndef downgrade():\n    pass\n";
        let m = parse(src).unwrap();
        assert!(
            matches!(&m.body[0].kind, StmtKind::Expr(Expr::Str(s)) if s.starts_with("add age"))
        );
        assert!(matches!(&m.body[4].kind, StmtKind::Assign(_, Expr::Tuple(t)) if t.len() == 2));
        let StmtKind::Def { body, .. } = &m.body[5].kind else {
            panic!()
        };
        assert!(
            matches!(&body[0].kind, StmtKind::With { alias: Some(a), body, .. } if a == "batch_op" && body.len() == 1)
        );
    }
}

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
    modules: std::collections::BTreeMap<u64, Vec<(String, std::rc::Rc<Module>)>>,
    /// Revision files read, by a hash of path, name and text, with those.
    scripts: std::collections::BTreeMap<u64, Vec<([String; 3], super::script::Script)>>,
}

impl LineCache {
    /// The revision file read before from the same path, name and text.
    pub(crate) fn script(&self, key: &[&str; 3]) -> Option<&super::script::Script> {
        self.scripts
            .get(&text_hash(key))?
            .iter()
            .find(|(k, _)| k.iter().zip(key).all(|(a, b)| a == b))
            .map(|(_, s)| s)
    }

    /// Keeps a revision file read from `key` (path, name, text).
    pub(crate) fn keep_script(&mut self, key: &[&str; 3], script: &super::script::Script) {
        self.scripts
            .entry(text_hash(key))
            .or_default()
            .push((key.map(str::to_string), script.clone()));
    }
}

/// A cheap key that spares comparing whole files: foldhash with a fixed seed (the same key
/// on every run), which reads eight bytes at a step. A byte-at-a-time FNV-1a here was a
/// twentieth of the team replay: every flask command hashes every revision file it reads.
fn text_hash<T: std::hash::Hash + ?Sized>(text: &T) -> u64 {
    use std::hash::BuildHasher;
    const STATE: foldhash::fast::FixedState =
        foldhash::fast::FixedState::with_seed(0x5343_4845_4d41_4c42);
    STATE.hash_one(text)
}

/// Parses a whole file; `path` is used in error messages.
pub fn parse_module(path: &str, source: &str) -> Result<Module, Error> {
    parse_module_with(path, source, &mut LineCache::default()).map(std::rc::Rc::unwrap_or_clone)
}

/// Parses a whole file, reusing lines read before. A file read before is shared, not copied:
/// every flask command reads the app, its models and every revision file, and cloning their
/// trees was about a twentieth of the team replay.
pub fn parse_module_with(
    path: &str,
    source: &str,
    cache: &mut LineCache,
) -> Result<std::rc::Rc<Module>, Error> {
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
    let module = std::rc::Rc::new(Module { body });
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
    match parse_pair(path, source, l)? {
        Some(pair) => Ok(build_statement(pair)),
        None => Ok(Line::Simple(StmtKind::Pass)),
    }
}

/// Reads one logical line with the grammar: its statement's pair, or Python's `SyntaxError`.
fn parse_pair<'a>(
    path: &str,
    source: &str,
    l: &'a Logical,
) -> Result<Option<Pair<'a, Rule>>, Error> {
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
    Ok(pairs.into_iter().next())
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
        Rule::block_header | Rule::if_header | Rule::for_header => {
            let word = text
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or_default()
                .to_string();
            let inline = inner.find(|p| is_simple(p.as_rule())).map(build_simple);
            Line::Block {
                kind: StmtKind::Other(word.clone()),
                inline,
                what: format!("'{word}' statement"),
            }
        }
        Rule::decorator => Line::Simple(StmtKind::Other("@".to_string())),
        _ => Line::Simple(build_simple_rule(rule, text, inner)),
    }
}

/// The rules of a simple statement (an inline block body).
fn is_simple(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::pass_stmt | Rule::import_stmt | Rule::return_stmt | Rule::small_stmt
    )
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
    Some(unescape(body))
}

// ---------------------------------------------------------------------------------------------
// The whole-code reading the runtime interprets (`runtime::python`): every expression kept as
// a tree, statements with their bodies, decorators attached to the function they decorate.

/// A Python expression as the runtime's interpreter reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum Py {
    /// `name`
    Name(String),
    /// `value.attr`
    Attr(Box<Py>, String),
    /// `func(args, key=value)`, with its source text (for the carets of a traceback).
    Call {
        /// What is called.
        func: Box<Py>,
        /// Positional arguments.
        args: Vec<Py>,
        /// Keyword arguments in order.
        kwargs: Vec<(String, Py)>,
        /// The call's source text.
        text: String,
    },
    /// `value[index]`
    Subscript(Box<Py>, Box<Py>),
    /// A string literal.
    Str(String),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// `True` / `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `(a, b)`
    Tuple(Vec<Py>),
    /// `[a, b]`
    List(Vec<Py>),
    /// `{k: v}`
    Dict(Vec<(Py, Py)>),
    /// `a + b`, `a == b`, `a and b`, `a not in b`: the operator as written.
    Binary(Box<Py>, String, Box<Py>),
    /// `not a`, `-a`
    Unary(String, Box<Py>),
    /// `a if cond else b`
    IfElse {
        /// The value when true.
        then: Box<Py>,
        /// The condition.
        cond: Box<Py>,
        /// The value when false.
        other: Box<Py>,
    },
    /// `[elt for target in iter if cond]`
    ListComp {
        /// The element.
        elt: Box<Py>,
        /// The loop variable(s).
        target: Box<Py>,
        /// The iterable.
        iter: Box<Py>,
        /// The conditions.
        conds: Vec<Py>,
    },
    /// `f"Hello {name}"`: text and values in order.
    FString(Vec<FPart>),
    /// Valid Python the interpreter does not evaluate (lambdas, slices…): its text.
    Unsupported(String),
}

/// A piece of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FPart {
    /// Literal text.
    Text(String),
    /// `{expr}` (`{expr!r}` when the flag is true: its `repr`).
    Value(Py, bool),
}

/// The pieces of one `f"…"` literal; `None` for what the subset does not format (format
/// specs, nested quotes, bytes).
fn f_parts(part: Pair<Rule>) -> Option<Vec<FPart>> {
    let mut body = String::new();
    for p in part.into_inner() {
        match p.as_rule() {
            Rule::prefix => {
                let pre = p.as_str().to_ascii_lowercase();
                if pre.contains('b') || pre.contains('r') {
                    return None;
                }
            }
            Rule::triple_dq | Rule::triple_sq => {
                let s = p.as_str();
                body = s[3..s.len() - 3].to_string();
            }
            _ => {
                let s = p.as_str();
                body = s[1..s.len() - 1].to_string();
            }
        }
    }
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut inner = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    inner.push(d);
                }
                let (expr, repr) = match inner.strip_suffix("!r") {
                    Some(e) => (e.to_string(), true),
                    None => (inner, false),
                };
                if expr.contains(':') || expr.contains('!') {
                    return None;
                }
                let pairs = PythonParser::parse(Rule::line, expr.trim()).ok()?;
                let stmt = pairs.into_iter().next()?;
                if stmt.as_rule() != Rule::small_stmt {
                    return None;
                }
                let mut inner_pairs = stmt.into_inner();
                let first = inner_pairs.next()?;
                if inner_pairs.next().is_some() {
                    return None;
                }
                if !text.is_empty() {
                    out.push(FPart::Text(unescape(&std::mem::take(&mut text))));
                }
                out.push(FPart::Value(py_expr_list(first), repr));
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        out.push(FPart::Text(unescape(&text)));
    }
    Some(out)
}

/// Resolves the escapes of a non-raw string body.
fn unescape(body: &str) -> String {
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
    out
}

/// A statement with the line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct PyStmt {
    /// 1-based line in the file.
    pub line: usize,
    /// What it is.
    pub kind: PyKind,
}

/// The statements the interpreter distinguishes.
#[derive(Clone, Debug, PartialEq)]
pub enum PyKind {
    /// A bare expression.
    Expr(Py),
    /// `target = value` (`a = b = c` gives two targets).
    Assign(Vec<Py>, Py),
    /// `target += value`: the operator without `=`.
    AugAssign(Py, String, Py),
    /// `return value`
    Return(Option<Py>),
    /// `if`/`elif`/`else`: the branches in order, then the `else` body.
    If(Vec<(Py, Vec<PyStmt>)>, Vec<PyStmt>),
    /// `while cond:`
    While(Py, Vec<PyStmt>),
    /// `for target in iter:`
    For(Py, Py, Vec<PyStmt>),
    /// `def name(params):` with its decorators.
    Def {
        /// Function name.
        name: String,
        /// Parameter names.
        params: Vec<String>,
        /// `@decorator` expressions above it, in order.
        decorators: Vec<Py>,
        /// Body statements.
        body: Vec<PyStmt>,
    },
    /// `class Name(bases):`
    Class {
        /// Class name.
        name: String,
        /// Body statements.
        body: Vec<PyStmt>,
    },
    /// `with expr as alias:`
    With(Py, Option<String>, Vec<PyStmt>),
    /// `try:` with its `except` clauses and `finally:` body.
    Try {
        /// The guarded statements.
        body: Vec<PyStmt>,
        /// The `except` clauses in order.
        handlers: Vec<Handler>,
        /// The `finally:` statements.
        finally: Vec<PyStmt>,
    },
    /// `import a.b` (the modules).
    Import(Vec<String>),
    /// `from m import a, b`
    FromImport(String, Vec<String>),
    /// `pass`
    Pass,
    /// Valid Python outside the subset (`try`, `del`, `raise`…): its first word.
    Unsupported(String),
}

/// One `except` clause.
#[derive(Clone, Debug, PartialEq)]
pub struct Handler {
    /// The exception class names it names, without their modules (empty: a bare `except:`).
    pub types: Vec<String>,
    /// The `as` name.
    pub alias: Option<String>,
    /// Its statements.
    pub body: Vec<PyStmt>,
}

/// Reads a whole file (or one console input) for the interpreter.
pub fn parse_code(path: &str, source: &str) -> Result<Vec<PyStmt>, Error> {
    let logical = logical_lines(path, source)?;
    let mut pos = 0;
    code_block(path, source, &logical, &mut pos, 0)
}

fn code_block(
    path: &str,
    source: &str,
    lines: &[Logical],
    pos: &mut usize,
    indent: usize,
) -> Result<Vec<PyStmt>, Error> {
    let mut body: Vec<PyStmt> = Vec::new();
    let mut decorators = Vec::new();
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
        let Some(pair) = parse_pair(path, source, l)? else {
            continue;
        };
        let rule = pair.as_rule();
        let text = pair.as_str().to_string();
        let word = text
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .next()
            .unwrap_or_default()
            .to_string();
        let mut inner: Vec<Pair<Rule>> = pair
            .into_inner()
            .filter(|p| !is_keyword(p.as_rule()) && p.as_rule() != Rule::cond_keyword)
            .collect();
        if rule == Rule::decorator {
            decorators.push(inner.pop().map(py_expr).unwrap_or(Py::None));
            continue;
        }
        let is_block = matches!(
            rule,
            Rule::class_header
                | Rule::def_header
                | Rule::with_header
                | Rule::if_header
                | Rule::for_header
                | Rule::block_header
        );
        let block = if is_block {
            let inline = inner.iter().position(|p| is_simple(p.as_rule()));
            match inline {
                Some(i) => vec![PyStmt {
                    line: l.line,
                    kind: py_simple(inner.remove(i)),
                }],
                None => match lines.get(*pos) {
                    Some(next) if next.indent > indent => {
                        code_block(path, source, lines, pos, next.indent)?
                    }
                    next => {
                        let at = next.map_or(l.line + 1, |n| n.line);
                        let what = match rule {
                            Rule::class_header => "class definition".to_string(),
                            Rule::def_header => "function definition".to_string(),
                            _ => format!("'{word}' statement"),
                        };
                        return Err(Error::python_indentation(
                            path,
                            at,
                            source.lines().nth(at.saturating_sub(1)).unwrap_or(""),
                            &format!("expected an indented block after {what} on line {}", l.line),
                        ));
                    }
                },
            }
        } else {
            Vec::new()
        };
        let kind = match rule {
            Rule::class_header => PyKind::Class {
                name: inner
                    .first()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                body: block,
            },
            Rule::def_header => {
                let name = inner
                    .first()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                let params = inner
                    .iter()
                    .find(|p| p.as_rule() == Rule::params)
                    .map(|p| {
                        p.as_str()
                            .trim_matches(|c| c == '(' || c == ')')
                            .split(',')
                            .filter_map(|a| {
                                let a = a.split([':', '=']).next().unwrap_or("").trim();
                                (!a.is_empty()).then(|| a.to_string())
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                PyKind::Def {
                    name,
                    params,
                    decorators: std::mem::take(&mut decorators),
                    body: block,
                }
            }
            Rule::with_header => {
                let expr = inner.first().cloned().map(py_expr).unwrap_or(Py::None);
                let alias = inner
                    .iter()
                    .find(|p| p.as_rule() == Rule::ident)
                    .map(|p| p.as_str().to_string());
                PyKind::With(expr, alias, block)
            }
            Rule::if_header => {
                let cond = inner.first().cloned().map(py_expr).unwrap_or(Py::None);
                match word.as_str() {
                    "while" => PyKind::While(cond, block),
                    "elif" => match body.last_mut() {
                        Some(PyStmt {
                            kind: PyKind::If(branches, orelse),
                            ..
                        }) if orelse.is_empty() => {
                            branches.push((cond, block));
                            continue;
                        }
                        _ => return Err(syntax(path, source, l.line, l.indent, "invalid syntax")),
                    },
                    _ => PyKind::If(vec![(cond, block)], Vec::new()),
                }
            }
            Rule::for_header => {
                let target = inner
                    .iter()
                    .find(|p| p.as_rule() == Rule::targets)
                    .cloned()
                    .map(py_targets)
                    .unwrap_or(Py::None);
                let iter = inner
                    .iter()
                    .find(|p| p.as_rule() == Rule::expr_list)
                    .cloned()
                    .map(py_expr_list)
                    .unwrap_or(Py::None);
                PyKind::For(target, iter, block)
            }
            Rule::block_header if word == "else" => match body.last_mut() {
                Some(PyStmt {
                    kind: PyKind::If(_, orelse),
                    ..
                }) if orelse.is_empty() => {
                    *orelse = block;
                    continue;
                }
                _ => PyKind::Unsupported("else".into()),
            },
            Rule::block_header if word == "try" => PyKind::Try {
                body: block,
                handlers: Vec::new(),
                finally: Vec::new(),
            },
            Rule::block_header if word == "except" || word == "finally" => match body.last_mut() {
                Some(PyStmt {
                    kind:
                        PyKind::Try {
                            handlers, finally, ..
                        },
                    ..
                }) if finally.is_empty() => {
                    if word == "finally" {
                        *finally = block;
                    } else {
                        let clause = text["except".len()..]
                            .split(':')
                            .next()
                            .unwrap_or("")
                            .trim();
                        let (types, alias) = match clause.split_once(" as ") {
                            Some((t, a)) => (t, Some(a.trim().to_string())),
                            None => (clause, None),
                        };
                        handlers.push(Handler {
                            types: types
                                .trim_matches(|c| c == '(' || c == ')')
                                .split(',')
                                .map(|t| t.trim().rsplit('.').next().unwrap_or("").to_string())
                                .filter(|t| !t.is_empty())
                                .collect(),
                            alias,
                            body: block,
                        });
                    }
                    continue;
                }
                _ => return Err(syntax(path, source, l.line, l.indent, "invalid syntax")),
            },
            Rule::block_header => PyKind::Unsupported(word),
            _ => py_simple_rule(rule, &text, inner),
        };
        if !decorators.is_empty() && !matches!(kind, PyKind::Def { .. }) {
            decorators.clear();
        }
        body.push(PyStmt { line: l.line, kind });
    }
    Ok(body)
}

fn py_simple(pair: Pair<Rule>) -> PyKind {
    let rule = pair.as_rule();
    let text = pair.as_str().to_string();
    let inner = pair
        .into_inner()
        .filter(|p| !is_keyword(p.as_rule()))
        .collect();
    py_simple_rule(rule, &text, inner)
}

fn py_simple_rule(rule: Rule, text: &str, inner: Vec<Pair<Rule>>) -> PyKind {
    match rule {
        Rule::pass_stmt => PyKind::Pass,
        Rule::import_stmt => match build_simple_rule(rule, text.to_string(), inner.into_iter()) {
            StmtKind::FromImport { module, names } => PyKind::FromImport(module, names),
            StmtKind::Import(names) => PyKind::Import(names),
            _ => PyKind::Pass,
        },
        Rule::return_stmt => PyKind::Return(inner.into_iter().next().map(py_expr_list)),
        Rule::small_stmt => {
            let mut parts: Vec<Py> = Vec::new();
            let mut aug = None;
            for p in inner {
                match p.as_rule() {
                    Rule::aug_op => aug = Some(p.as_str().trim_end_matches('=').to_string()),
                    Rule::expr_list => parts.push(py_expr_list(p)),
                    Rule::expr => parts.push(py_expr(p)),
                    _ => {}
                }
            }
            match (aug, parts.len()) {
                (Some(op), 2) => {
                    let value = parts.pop().unwrap_or(Py::None);
                    let target = parts.pop().unwrap_or(Py::None);
                    PyKind::AugAssign(target, op, value)
                }
                (None, 1) => PyKind::Expr(parts.pop().unwrap_or(Py::None)),
                (None, n) if n >= 2 => {
                    let value = parts.pop().unwrap_or(Py::None);
                    PyKind::Assign(parts, value)
                }
                _ => PyKind::Unsupported(text.to_string()),
            }
        }
        _ => PyKind::Unsupported(text.split_whitespace().next().unwrap_or("").to_string()),
    }
}

fn py_expr_list(pair: Pair<Rule>) -> Py {
    let trailing_comma = pair.as_str().trim_end().ends_with(',');
    let mut items: Vec<Py> = pair.into_inner().map(py_expr).collect();
    if items.len() == 1 && !trailing_comma {
        items.pop().unwrap_or(Py::None)
    } else {
        Py::Tuple(items)
    }
}

fn py_targets(pair: Pair<Rule>) -> Py {
    let trailing_comma = pair.as_str().trim_end().ends_with(',');
    let mut items: Vec<Py> = pair.into_inner().map(py_postfix).collect();
    if items.len() == 1 && !trailing_comma {
        items.pop().unwrap_or(Py::None)
    } else {
        Py::Tuple(items)
    }
}

/// Binding strength of a binary operator (higher binds tighter), as in Python's grammar.
fn precedence(op: &str) -> u8 {
    match op {
        "or" => 1,
        "and" => 2,
        "==" | "!=" | "<" | ">" | "<=" | ">=" | "in" | "not in" | "is" | "is not" => 4,
        "|" => 5,
        "^" => 6,
        "&" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "**" => 12,
        _ => 10,
    }
}

/// An `expr` or `comp_iter` pair: operators folded by precedence, then `x if c else y`.
fn py_expr(pair: Pair<Rule>) -> Py {
    let text = pair.as_str().trim().to_string();
    // Operands (with their prefix operators) and operators in order.
    let mut operands: Vec<(Vec<String>, Py)> = Vec::new();
    let mut ops: Vec<String> = Vec::new();
    let mut prefix: Vec<String> = Vec::new();
    let mut tail: Vec<Py> = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::unary => {
                let u = p.as_str().trim().to_string();
                // `a is not b`: the `not` belongs to the operator.
                if u == "not"
                    && prefix.is_empty()
                    && ops.last().is_some_and(|o| o == "is")
                    && operands.len() == ops.len()
                {
                    if let Some(last) = ops.last_mut() {
                        *last = "is not".into();
                    }
                } else {
                    prefix.push(u);
                }
            }
            Rule::binop => ops.push(p.as_str().split_whitespace().collect::<Vec<_>>().join(" ")),
            Rule::postfix => operands.push((std::mem::take(&mut prefix), py_postfix(p))),
            Rule::expr => tail.push(py_expr(p)),
            _ => {}
        }
    }
    // Bounded so evaluating the tree cannot exhaust the stack.
    if operands.len() != ops.len() + 1
        || ops.len() > MAX_NESTING
        || operands.iter().any(|(p, _)| p.len() > MAX_NESTING)
    {
        return Py::Unsupported(text);
    }
    let values: Vec<Py> = operands
        .into_iter()
        .map(|(prefix, v)| {
            prefix
                .into_iter()
                .rev()
                .fold(v, |acc, u| Py::Unary(u, Box::new(acc)))
        })
        .collect();
    let value = fold_binary(values, ops);
    match (tail.pop(), tail.pop()) {
        (Some(other), Some(cond)) => Py::IfElse {
            then: Box::new(value),
            cond: Box::new(cond),
            other: Box::new(other),
        },
        _ => value,
    }
}

/// Folds `v0 op0 v1 op1 v2 …` by precedence (left-associative, `**` right-associative).
fn fold_binary(values: Vec<Py>, ops: Vec<String>) -> Py {
    let mut out: Vec<Py> = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let reduce = |out: &mut Vec<Py>, op: String| {
        let r = out.pop().unwrap_or(Py::None);
        let l = out.pop().unwrap_or(Py::None);
        out.push(Py::Binary(Box::new(l), op, Box::new(r)));
    };
    let mut values = values.into_iter();
    if let Some(v) = values.next() {
        out.push(v);
    }
    for (op, v) in ops.into_iter().zip(values) {
        while let Some(top) = stack.last() {
            let (pt, po) = (precedence(top), precedence(&op));
            if pt > po || (pt == po && op != "**") {
                let top = stack.pop().unwrap_or_default();
                reduce(&mut out, top);
            } else {
                break;
            }
        }
        stack.push(op);
        out.push(v);
    }
    while let Some(op) = stack.pop() {
        reduce(&mut out, op);
    }
    out.pop().unwrap_or(Py::None)
}

fn py_postfix(pair: Pair<Rule>) -> Py {
    let mut parts = pair.into_inner();
    let Some(atom) = parts.next() else {
        return Py::None;
    };
    let start = atom.as_span().start();
    let mut value = py_atom(atom);
    for trailer in parts {
        let span_text = |end: usize, t: &Pair<Rule>| {
            let full = t.get_input();
            full.get(start..end).unwrap_or("").to_string()
        };
        value = match trailer.as_rule() {
            Rule::attribute => {
                let name = trailer
                    .into_inner()
                    .next()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                Py::Attr(Box::new(value), name)
            }
            Rule::call => {
                let text = span_text(trailer.as_span().end(), &trailer);
                let mut args = Vec::new();
                let mut kwargs = Vec::new();
                for a in trailer.into_inner() {
                    match a.as_rule() {
                        Rule::kwarg => {
                            let mut inner = a.into_inner();
                            let key = inner
                                .next()
                                .map(|p| p.as_str().to_string())
                                .unwrap_or_default();
                            kwargs.push((key, inner.next().map(py_expr).unwrap_or(Py::None)));
                        }
                        Rule::positional => {
                            let mut inner = a.into_inner();
                            let first = inner.next().map(py_expr).unwrap_or(Py::None);
                            match inner.next() {
                                Some(comp) => args.push(comprehension(first, comp)),
                                None => args.push(first),
                            }
                        }
                        _ => args.push(Py::Unsupported(a.as_str().to_string())),
                    }
                }
                Py::Call {
                    func: Box::new(value),
                    args,
                    kwargs,
                    text,
                }
            }
            Rule::subscript => {
                let index = trailer
                    .into_inner()
                    .next()
                    .map(py_expr_list)
                    .unwrap_or(Py::None);
                Py::Subscript(Box::new(value), Box::new(index))
            }
            _ => Py::Unsupported(trailer.as_str().to_string()),
        };
    }
    value
}

/// `elt for target in iter if cond` (only one `for` clause is evaluated).
fn comprehension(elt: Py, comp: Pair<Rule>) -> Py {
    let text = comp.as_str().to_string();
    let mut target = None;
    let mut iter = None;
    let mut conds = Vec::new();
    for p in comp.into_inner() {
        match p.as_rule() {
            Rule::targets if target.is_none() => target = Some(py_targets(p)),
            Rule::targets => return Py::Unsupported(text),
            Rule::comp_iter if iter.is_none() => iter = Some(py_expr(p)),
            Rule::comp_iter => conds.push(py_expr(p)),
            _ => {}
        }
    }
    match (target, iter) {
        (Some(target), Some(iter)) => Py::ListComp {
            elt: Box::new(elt),
            target: Box::new(target),
            iter: Box::new(iter),
            conds,
        },
        _ => Py::Unsupported(text),
    }
}

fn py_atom(pair: Pair<Rule>) -> Py {
    let text = pair.as_str().to_string();
    match pair.as_rule() {
        Rule::none => Py::None,
        Rule::true_lit => Py::Bool(true),
        Rule::false_lit => Py::Bool(false),
        Rule::ident => Py::Name(text),
        Rule::number => {
            let t = text.replace('_', "");
            match t.parse::<i64>() {
                Ok(n) => Py::Int(n),
                Err(_) => t
                    .parse::<f64>()
                    .map(Py::Float)
                    .unwrap_or(Py::Unsupported(text)),
            }
        }
        Rule::string => {
            let mut parts: Vec<FPart> = Vec::new();
            let mut formatted = false;
            for part in pair.into_inner() {
                let is_f = part.clone().into_inner().any(|p| {
                    p.as_rule() == Rule::prefix && p.as_str().to_ascii_lowercase().contains('f')
                });
                if is_f {
                    formatted = true;
                    match f_parts(part) {
                        Some(ps) => parts.extend(ps),
                        None => return Py::Unsupported(text),
                    }
                    continue;
                }
                match string_value(part) {
                    Some(s) => parts.push(FPart::Text(s)),
                    None => return Py::Unsupported(text),
                }
            }
            if formatted {
                return Py::FString(parts);
            }
            Py::Str(
                parts
                    .into_iter()
                    .map(|p| match p {
                        FPart::Text(t) => t,
                        FPart::Value(..) => String::new(),
                    })
                    .collect(),
            )
        }
        Rule::paren => {
            let mut inner = pair.into_inner();
            match (inner.next(), inner.next()) {
                (None, _) => Py::Tuple(Vec::new()),
                (Some(first), None) if first.as_rule() == Rule::expr_list => py_expr_list(first),
                _ => Py::Unsupported(text),
            }
        }
        Rule::list => {
            let mut inner = pair.into_inner();
            match (inner.next(), inner.next()) {
                (None, _) => Py::List(Vec::new()),
                (Some(first), None) if first.as_rule() == Rule::expr_list => {
                    Py::List(first.into_inner().map(py_expr).collect())
                }
                (Some(first), Some(comp)) if comp.as_rule() == Rule::comprehension => {
                    comprehension(py_expr(first), comp)
                }
                _ => Py::Unsupported(text),
            }
        }
        Rule::dict => {
            let items: Vec<Pair<Rule>> = pair.into_inner().collect();
            if items.len() % 2 != 0 {
                return Py::Unsupported(text);
            }
            let mut out = Vec::new();
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                out.push((py_expr(k), py_expr(v)));
            }
            Py::Dict(out)
        }
        _ => Py::Unsupported(text),
    }
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

    #[test]
    fn reads_the_seed_routes_as_code() {
        let src = "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n@app.post(\"/register\")\ndef register():\n    user = User(name=request.form[\"name\"], email=request.form[\"email\"])\n    db.session.add(user)\n    db.session.commit()\n    return jsonify(id=user.id), 201\n\n\n@app.get(\"/users\")\ndef users():\n    return jsonify([{\"id\": u.id, \"name\": u.name, \"email\": u.email} for u in User.query.all()])\n";
        let code = parse_code("/p/app.py", src).unwrap();
        let defs: Vec<_> = code
            .iter()
            .filter_map(|s| match &s.kind {
                PyKind::Def {
                    name,
                    decorators,
                    body,
                    ..
                } => Some((name.clone(), decorators.len(), body.len())),
                _ => None,
            })
            .collect();
        assert_eq!(
            defs,
            vec![("register".into(), 1, 4), ("users".into(), 1, 1)]
        );
        let PyKind::Def { body, .. } = &code.last().unwrap().kind else {
            panic!()
        };
        let PyKind::Return(Some(Py::Call { args, .. })) = &body[0].kind else {
            panic!("{:?}", body[0])
        };
        assert!(matches!(&args[0], Py::ListComp { .. }), "{:?}", args[0]);
        let c = parse_code(
            "<console>",
            "x = 1 + 2 * 3 if not a else b[0]\nif x:\n    y = 1\nelif z: y = 2\nelse:\n    y = 3\n",
        )
        .unwrap();
        assert_eq!(c.len(), 2);
        assert!(matches!(&c[1].kind, PyKind::If(b, e) if b.len() == 2 && e.len() == 1));
    }
}

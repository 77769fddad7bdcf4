//! The only file that sees pest: turns a mongosh line into [`Stmt`]s, and pest's failures
//! into babel's wording (`Unexpected token (1:13)`, `Missing semicolon.`,
//! `Unterminated string constant.`) with babel's code frame.
//!
//! Invariant: nesting is bounded before pest runs ([`MAX_DEPTH`]), so no input can exhaust
//! the stack.

use pest::error::InputLocation;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use pest_derive::Parser;

use super::ast::{BinOp, DeclKind, Expr, Stmt, UnaryOp};
use super::error::DocError;

/// Deepest bracket nesting accepted in one line.
pub const MAX_DEPTH: usize = 48;

#[derive(Parser)]
#[grammar = "doc/grammar.pest"]
struct JsParser;

/// The result of parsing a line.
#[derive(Debug)]
pub enum Parsed {
    /// Complete statements.
    Program(Vec<Stmt>),
    /// The input stops before it is complete (the parser reached its end): mongosh asks for
    /// more lines. The error is what babel reports if no more lines come.
    Incomplete(DocError),
}

/// Parses one (possibly multi-line) input.
pub fn parse(source: &str) -> Result<Parsed, DocError> {
    if let Some(err) = check_limits(source) {
        return Err(err);
    }
    match JsParser::parse(Rule::program, source) {
        Ok(mut pairs) => {
            let program = pairs
                .next()
                .ok_or_else(|| DocError::type_error("empty parse"))?;
            let mut stmts = Vec::new();
            let mut prev_end: Option<usize> = None;
            for pair in program.into_inner() {
                // JavaScript needs `;` or a line break between two statements.
                let span = pair.as_span();
                if let Some(end) = prev_end {
                    let between = &source[end..span.start()];
                    if pair.as_rule() != Rule::EOI && !between.contains([';', '\n']) {
                        return Err(syntax_at(source, "Missing semicolon.", end));
                    }
                }
                prev_end = Some(source[..span.end()].trim_end().len());
                match pair.as_rule() {
                    Rule::EOI => {}
                    Rule::declaration => stmts.push(build_declaration(pair)?),
                    Rule::expression => stmts.push(Stmt::Expr(build_expression(pair)?)),
                    r => unreachable!("parse: {r:?}"),
                }
            }
            Ok(Parsed::Program(stmts))
        }
        Err(e) => {
            let pos = match e.location {
                InputLocation::Pos(p) => p,
                InputLocation::Span((p, _)) => p,
            };
            if let Some(q) = unterminated_string(source) {
                return Err(syntax_at(source, "Unterminated string constant.", q));
            }
            let positives = match &e.variant {
                pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
                _ => Vec::new(),
            };
            let message = if positives.contains(&Rule::comma) {
                "Unexpected token, expected \",\""
            } else {
                "Unexpected token"
            };
            if pos >= source.trim_end().len() {
                return Ok(Parsed::Incomplete(syntax_at(source, message, source.len())));
            }
            if positives.contains(&Rule::EOI) {
                let end = source[..pos].trim_end().len();
                return Err(syntax_at(source, "Missing semicolon.", end));
            }
            Err(syntax_at(source, message, pos))
        }
    }
}

fn syntax_at(source: &str, message: &str, byte_pos: usize) -> DocError {
    let before = &source[..byte_pos.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].encode_utf16().count();
    DocError::syntax(message, source, line, col)
}

/// Rejects inputs nested too deeply or with absurd operator runs before pest recurses.
fn check_limits(source: &str) -> Option<DocError> {
    let mut depth = 0usize;
    let mut run = 0usize;
    for c in source.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(DocError::range("Maximum call stack size exceeded"));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if matches!(c, '-' | '+' | '!' | '~') {
            run += 1;
            if run > MAX_DEPTH {
                return Some(DocError::range("Maximum call stack size exceeded"));
            }
        } else if !c.is_whitespace() {
            run = 0;
        }
    }
    None
}

/// The byte position of a string literal that is never closed on its line.
fn unterminated_string(source: &str) -> Option<usize> {
    let mut quote: Option<(char, usize)> = None;
    let mut escaped = false;
    let mut prev_slash_context = false;
    for (i, c) in source.char_indices() {
        if let Some((q, start)) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '\n' {
                return Some(start);
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c == '/' {
            // A regex literal may hold quotes; stop guessing.
            prev_slash_context = true;
        }
        if (c == '\'' || c == '"') && !prev_slash_context {
            quote = Some((c, i));
        }
    }
    quote.map(|(_, s)| s)
}

fn build_declaration(pair: Pair<Rule>) -> Result<Stmt, DocError> {
    let mut inner = pair.into_inner();
    let kind = match inner.next().map(|p| p.as_str()) {
        Some("const") => DeclKind::Const,
        Some("var") => DeclKind::Var,
        _ => DeclKind::Let,
    };
    let mut bindings = Vec::new();
    for binding in inner {
        let mut parts = binding.into_inner();
        let name = parts
            .next()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let init = match parts.next() {
            Some(e) => Some(build_expression(e)?),
            None => None,
        };
        bindings.push((name, init));
    }
    Ok(Stmt::Declare { kind, bindings })
}

fn build_expression(pair: Pair<Rule>) -> Result<Expr, DocError> {
    let source = pair.as_span();
    let mut inner = pair.into_inner();
    let target = match inner.next() {
        Some(c) => build_conditional(c)?,
        None => unreachable!("build_expression: empty"),
    };
    let (Some(op), Some(value)) = (inner.next(), inner.next()) else {
        return Ok(target);
    };
    if !matches!(
        target,
        Expr::Ident(_) | Expr::Member(..) | Expr::Index(..) | Expr::Call(..)
    ) {
        let text = source.get_input();
        let start = source.start();
        return Err(syntax_at(
            text,
            "Invalid left-hand side in assignment expression.",
            start,
        ));
    }
    let value = build_expression(value)?;
    let value = match op.as_str() {
        "+=" => Expr::Binary(BinOp::Add, Box::new(target.clone()), Box::new(value)),
        "-=" => Expr::Binary(BinOp::Sub, Box::new(target.clone()), Box::new(value)),
        "*=" => Expr::Binary(BinOp::Mul, Box::new(target.clone()), Box::new(value)),
        "/=" => Expr::Binary(BinOp::Div, Box::new(target.clone()), Box::new(value)),
        _ => value,
    };
    Ok(Expr::Assign(Box::new(target), Box::new(value)))
}

fn build_conditional(pair: Pair<Rule>) -> Result<Expr, DocError> {
    let mut inner = pair.into_inner();
    let cond = match inner.next() {
        Some(b) => build_binary(b)?,
        None => unreachable!("build_conditional: no binary"),
    };
    match (inner.next(), inner.next()) {
        (Some(a), Some(b)) => Ok(Expr::Cond(
            Box::new(cond),
            Box::new(build_expression(a)?),
            Box::new(build_expression(b)?),
        )),
        _ => Ok(cond),
    }
}

fn pratt() -> PrattParser<Rule> {
    PrattParser::new()
        .op(Op::infix(Rule::or, Assoc::Left) | Op::infix(Rule::nullish, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::infix(Rule::strict_eq, Assoc::Left)
            | Op::infix(Rule::strict_ne, Assoc::Left)
            | Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left))
        .op(Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left)
            | Op::infix(Rule::div, Assoc::Left)
            | Op::infix(Rule::rem, Assoc::Left))
}

thread_local! {
    /// Built once: constructing the operator table for every expression showed in profiles.
    static PRATT: PrattParser<Rule> = pratt();
}

fn build_binary(pair: Pair<Rule>) -> Result<Expr, DocError> {
    PRATT.with(|p| build_binary_with(p, pair))
}

fn build_binary_with(pratt: &PrattParser<Rule>, pair: Pair<Rule>) -> Result<Expr, DocError> {
    pratt
        .map_primary(build_unary)
        .map_infix(|lhs, op, rhs| {
            let op = match op.as_rule() {
                Rule::or => BinOp::Or,
                Rule::and => BinOp::And,
                Rule::nullish => BinOp::Nullish,
                Rule::strict_eq => BinOp::StrictEq,
                Rule::strict_ne => BinOp::StrictNe,
                Rule::eq => BinOp::Eq,
                Rule::ne => BinOp::Ne,
                Rule::lt => BinOp::Lt,
                Rule::le => BinOp::Le,
                Rule::gt => BinOp::Gt,
                Rule::ge => BinOp::Ge,
                Rule::add => BinOp::Add,
                Rule::sub => BinOp::Sub,
                Rule::mul => BinOp::Mul,
                Rule::div => BinOp::Div,
                Rule::rem => BinOp::Rem,
                r => unreachable!("build_binary: {r:?}"),
            };
            Ok(Expr::Binary(op, Box::new(lhs?), Box::new(rhs?)))
        })
        .parse(pair.into_inner())
}

fn build_unary(pair: Pair<Rule>) -> Result<Expr, DocError> {
    let mut ops = Vec::new();
    let mut operand = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::neg => ops.push(UnaryOp::Neg),
            Rule::plus => ops.push(UnaryOp::Plus),
            Rule::not => ops.push(UnaryOp::Not),
            Rule::typeof_op => ops.push(UnaryOp::TypeOf),
            Rule::postfix => operand = Some(build_postfix(p)?),
            r => unreachable!("build_unary: {r:?}"),
        }
    }
    let mut e = operand.unwrap_or(Expr::Undefined);
    for op in ops.into_iter().rev() {
        e = match (op, e) {
            (UnaryOp::Neg, Expr::Number(n)) => Expr::Number(-n),
            (op, e) => Expr::Unary(op, Box::new(e)),
        };
    }
    Ok(e)
}

fn build_postfix(pair: Pair<Rule>) -> Result<Expr, DocError> {
    let mut inner = pair.into_inner();
    let mut e = match inner.next() {
        Some(p) => build_primary(p)?,
        None => unreachable!("build_postfix: empty"),
    };
    for suffix in inner {
        e = match suffix.as_rule() {
            Rule::arguments => Expr::Call(Box::new(e), build_list(suffix)?),
            Rule::member => {
                let name = suffix
                    .into_inner()
                    .next()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                Expr::Member(Box::new(e), name)
            }
            Rule::index => {
                let idx = match suffix.into_inner().next() {
                    Some(p) => build_expression(p)?,
                    None => unreachable!("build_postfix: index"),
                };
                Expr::Index(Box::new(e), Box::new(idx))
            }
            r => unreachable!("build_postfix: {r:?}"),
        };
    }
    Ok(e)
}

fn build_list(pair: Pair<Rule>) -> Result<Vec<Expr>, DocError> {
    pair.into_inner()
        .filter(|p| p.as_rule() != Rule::comma)
        .map(build_expression)
        .collect()
}

fn build_primary(pair: Pair<Rule>) -> Result<Expr, DocError> {
    Ok(match pair.as_rule() {
        Rule::number => Expr::Number(parse_number(pair.as_str())),
        Rule::string => Expr::Str(build_string(pair)),
        Rule::regex => {
            let mut inner = pair.into_inner();
            let pattern = inner.next().map(|p| p.as_str()).unwrap_or("").to_string();
            let flags = inner.next().map(|p| p.as_str()).unwrap_or("").to_string();
            Expr::Regex { pattern, flags }
        }
        Rule::array => Expr::Array(build_list(pair)?),
        Rule::object => {
            let mut props = Vec::new();
            for prop in pair.into_inner().filter(|p| p.as_rule() != Rule::comma) {
                let mut parts = prop.into_inner();
                let key = match parts.next() {
                    Some(k) => k,
                    None => unreachable!("build_primary: property"),
                };
                let name = match key.as_rule() {
                    Rule::string => build_string(key.clone()),
                    Rule::number => super::format::js_number(parse_number(key.as_str())),
                    _ => key.as_str().to_string(),
                };
                let value = match parts.next() {
                    Some(v) => build_expression(v)?,
                    None => Expr::Ident(name.clone()),
                };
                props.push((name, value));
            }
            Expr::Object(props)
        }
        // `(a, b)` is JavaScript's comma operator: the value is the last expression, but
        // every one is evaluated.
        Rule::paren => {
            let mut items = build_list(pair)?;
            match items.len() {
                0 => unreachable!("build_primary: empty paren"),
                1 => items.remove(0),
                _ => Expr::Sequence(items),
            }
        }
        Rule::literal => match pair.as_str() {
            "true" => Expr::Bool(true),
            "false" => Expr::Bool(false),
            "null" => Expr::Null,
            _ => Expr::Undefined,
        },
        Rule::identifier => Expr::Ident(pair.as_str().to_string()),
        Rule::arrow => {
            let mut inner = pair.into_inner();
            let params = match inner.next() {
                Some(p) => p
                    .into_inner()
                    .filter(|x| x.as_rule() == Rule::identifier)
                    .map(|x| x.as_str().to_string())
                    .collect(),
                None => unreachable!("build_primary: arrow params"),
            };
            let body = match inner.next() {
                Some(b) => build_expression(b)?,
                None => unreachable!("build_primary: arrow body"),
            };
            Expr::Arrow(params, Box::new(body))
        }
        Rule::new_expr => {
            let mut inner = pair.into_inner();
            inner.next();
            let name = inner
                .next()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default();
            let args = match inner.next() {
                Some(a) => build_list(a)?,
                None => Vec::new(),
            };
            Expr::New(name, args)
        }
        r => unreachable!("build_primary: {r:?}"),
    })
}

fn parse_number(text: &str) -> f64 {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).map_or(f64::INFINITY, |v| v as f64);
    }
    text.parse::<f64>().unwrap_or(f64::NAN)
}

fn build_string(pair: Pair<Rule>) -> String {
    let raw = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('0') => out.push('\0'),
            Some('x') => {
                let h: String = chars.by_ref().take(2).collect();
                if let Some(ch) = u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some('u') => {
                let h: String = chars.by_ref().take(4).collect();
                if let Some(ch) = u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> String {
        match parse(src) {
            Err(e) => e.message,
            Ok(p) => format!("{p:?}"),
        }
    }

    #[test]
    fn babel_wording_for_common_mistakes() {
        assert_eq!(
            err("db.foo.find({)\n"),
            "Unexpected token (1:13)\n\n> 1 | db.foo.find({)\n    |              ^\n  2 |"
        );
        assert_eq!(
            err("db.users.find({a:1}))\n"),
            "Missing semicolon. (1:20)\n\n> 1 | db.users.find({a:1}))\n    |                     ^\n  2 |"
        );
        assert_eq!(
            err("db.c.insertOne({a: 'x})\n"),
            "Unterminated string constant. (1:19)\n\n> 1 | db.c.insertOne({a: 'x})\n    |                    ^\n  2 |"
        );
        assert!(matches!(
            parse("db.users.insertOne({name: 'x'\n"),
            Ok(Parsed::Incomplete(_))
        ));
        assert_eq!(
            err("db.users.insertOne({name: 'Ada' age: 3})\n")
                .lines()
                .next(),
            Some("Unexpected token, expected \",\" (1:32)")
        );
        assert_eq!(
            err("db.c.find(}\n").lines().next(),
            Some("Unexpected token (1:10)")
        );
        assert_eq!(
            err("db.c.find({a: 1}))))\n").lines().next(),
            Some("Missing semicolon. (1:17)")
        );
    }

    #[test]
    fn expressions_build() {
        let Ok(Parsed::Program(p)) = parse("let x = 1 + 2 * 3; db.c.find({a: /b/i}).limit(2)")
        else {
            panic!("parse failed")
        };
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn nesting_parses_in_linear_time() {
        let deep = format!("db.c.find({}1{})\n", "{a: [".repeat(23), "]}".repeat(23));
        let start = std::time::Instant::now();
        assert!(matches!(parse(&deep), Ok(Parsed::Program(_))));
        assert!(start.elapsed().as_secs() < 2);
    }
}

//! Turns statement text into an [`ast::Statement`](super::ast::Statement).
//!
//! This is the only file that sees pest's `Pair` and `Rule`. A cheap lexical pre-scan reports
//! unterminated quotes and bounds nesting depth (54001) before pest runs, so hostile input cannot
//! overflow the stack. pest failures become 42601 errors naming the token PostgreSQL would name.
//! Positions in the AST and in errors raised here are byte offsets (+1 in errors); the session
//! converts them to character positions.

use std::sync::LazyLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;

use super::ast::*;
use super::error::SqlError;

#[derive(pest_derive::Parser)]
#[grammar = "sql/grammar.pest"]
struct SqlParser;

/// Deepest parenthesis / prefix-operator nesting accepted before 54001.
const MAX_NESTING: usize = 200;
/// Most operators in one statement: a left-nested chain of operators is as deep as it is
/// long, and deep trees would exhaust the stack while being analysed or dropped.
pub(super) const MAX_OPERATORS: usize = 1000;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::prefix(Rule::not_op))
        .op(Op::postfix(Rule::is_op) | Op::postfix(Rule::isnull_op) | Op::postfix(Rule::notnull_op))
        .op(Op::infix(Rule::cmp_op, Assoc::Left))
        .op(Op::postfix(Rule::between_op) | Op::postfix(Rule::in_op) | Op::postfix(Rule::like_op))
        .op(Op::infix(Rule::concat_op, Assoc::Left)
            | Op::infix(Rule::json_op, Assoc::Left)
            | Op::infix(Rule::json_text_op, Assoc::Left)
            | Op::infix(Rule::contains_op, Assoc::Left))
        .op(Op::infix(Rule::add_op, Assoc::Left) | Op::infix(Rule::sub_op, Assoc::Left))
        .op(Op::infix(Rule::mul_op, Assoc::Left)
            | Op::infix(Rule::div_op, Assoc::Left)
            | Op::infix(Rule::mod_op, Assoc::Left))
        .op(Op::infix(Rule::pow_op, Assoc::Left))
        .op(Op::prefix(Rule::neg_op) | Op::prefix(Rule::pos_op))
        .op(Op::postfix(Rule::cast_op))
});

type R<T> = Result<T, SqlError>;

/// Parses one statement (a trailing `;` is allowed).
pub fn parse(sql: &str) -> R<Statement> {
    // Most statements in bulk workloads have one of a few simple shapes; those skip pest, and
    // the prescan too: the fast path takes no statement the prescan would refuse (it sees
    // every quote closed, nests one level deep and counts operators against the same limit).
    if let Some(stmt) = super::fastpath::parse(sql) {
        return Ok(stmt);
    }
    prescan(sql)?;
    parse_with_pest(sql)
}

/// Parses with the pest grammar only (the fast path's reference).
fn parse_with_pest(sql: &str) -> R<Statement> {
    let mut pairs = SqlParser::parse(Rule::input, sql).map_err(|e| syntax_error(sql, &e))?;
    match pairs.next() {
        Some(p) if p.as_rule() != Rule::EOI => build_statement(p),
        _ => Ok(Statement::Empty),
    }
}

/// Lexical checks pest cannot express cheaply: unterminated quotes and nesting depth.
fn prescan(sql: &str) -> R<()> {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut depth: usize = 0;
    let mut unary_run: usize = 0;
    let mut operators: usize = 0;
    while i < b.len() {
        match b[i] {
            b'\'' => {
                let start = i;
                i += 1;
                let escape = start > 0 && matches!(b[start - 1], b'e' | b'E');
                loop {
                    if i >= b.len() {
                        return Err(SqlError::unterminated_string(&sql[start..], start + 1));
                    }
                    if escape && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == b'\'' {
                        if i + 1 < b.len() && b[i + 1] == b'\'' {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                unary_run = 0;
            }
            b'"' => {
                let start = i;
                i += 1;
                loop {
                    if i >= b.len() {
                        return Err(SqlError::unterminated_identifier(&sql[start..], start + 1));
                    }
                    if b[i] == b'"' {
                        if i + 1 < b.len() && b[i + 1] == b'"' {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                unary_run = 0;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                i += 2;
                loop {
                    if i + 1 >= b.len() {
                        return Err(SqlError::syntax("unterminated /* comment").at(Some(start + 1)));
                    }
                    if b[i] == b'*' && b[i + 1] == b'/' {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' => {
                depth += 1;
                if depth + unary_run > MAX_NESTING {
                    return Err(SqlError::stack_depth_exceeded());
                }
            }
            b')' | b']' => {
                depth = depth.saturating_sub(1);
                unary_run = 0;
            }
            b'-' | b'+' | b'~' => {
                unary_run += 1;
                operators += 1;
                if depth + unary_run > MAX_NESTING || operators > MAX_OPERATORS {
                    return Err(SqlError::stack_depth_exceeded());
                }
            }
            // `::` counts too (once per colon): each cast nests its operand one level deeper.
            b'*' | b'/' | b'%' | b'^' | b'<' | b'>' | b'=' | b'|' | b'&' | b':' => {
                unary_run = 0;
                operators += 1;
                if operators > MAX_OPERATORS {
                    return Err(SqlError::stack_depth_exceeded());
                }
            }
            c if c.is_ascii_whitespace() => {}
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &sql[start..i];
                if word.eq_ignore_ascii_case("not") {
                    unary_run += 1;
                    if depth + unary_run > MAX_NESTING {
                        return Err(SqlError::stack_depth_exceeded());
                    }
                } else {
                    unary_run = 0;
                }
                if ["and", "or", "not", "like", "ilike", "is", "between", "in"]
                    .iter()
                    .any(|k| word.eq_ignore_ascii_case(k))
                {
                    operators += 1;
                    if operators > MAX_OPERATORS {
                        return Err(SqlError::stack_depth_exceeded());
                    }
                }
                continue;
            }
            _ => unary_run = 0,
        }
        i += 1;
    }
    Ok(())
}

/// The lexical token starting at byte `pos`, as PostgreSQL's scanner would cut it.
fn token_at(sql: &str, pos: usize) -> Option<(usize, &str)> {
    let rest = sql.get(pos..)?;
    let trimmed = rest.trim_start();
    let start = pos + (rest.len() - trimmed.len());
    let mut chars = trimmed.char_indices();
    let (_, c) = chars.next()?;
    let end = if c.is_alphabetic() || c == '_' {
        trimmed
            .char_indices()
            .find(|(_, ch)| !(ch.is_alphanumeric() || *ch == '_' || *ch == '$'))
            .map_or(trimmed.len(), |(i, _)| i)
    } else if c.is_ascii_digit() {
        trimmed
            .char_indices()
            .find(|(_, ch)| !(ch.is_ascii_digit() || *ch == '.'))
            .map_or(trimmed.len(), |(i, _)| i)
    } else if c == '\'' || c == '"' {
        let mut end = trimmed.len();
        let mut it = trimmed.char_indices().skip(1).peekable();
        while let Some((i, ch)) = it.next() {
            if ch == c {
                if it.peek().map(|(_, n)| *n) == Some(c) {
                    it.next();
                    continue;
                }
                end = i + 1;
                break;
            }
        }
        end
    } else if "+-*/<>=~!@#%^&|`?".contains(c) {
        trimmed
            .char_indices()
            .find(|(_, ch)| !"+-*/<>=~!@#%^&|`?".contains(*ch))
            .map_or(trimmed.len(), |(i, _)| i)
    } else {
        c.len_utf8()
    };
    Some((start, &trimmed[..end]))
}

fn syntax_error(sql: &str, e: &pest::error::Error<Rule>) -> SqlError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    // PostgreSQL reports the token where the grammar gave up; pest reports the furthest
    // position it reached, which is the start of that token.
    let pos = pos.min(sql.len());
    // The trailing semicolon is a token like any other for PostgreSQL.
    match token_at(sql, pos) {
        Some((start, tok)) => SqlError::syntax_error_at(tok, start + 1),
        None => SqlError::syntax_error_at_end(sql.len() + 1),
    }
}

// ---------------------------------------------------------------- helpers

fn ident_text(p: &Pair<Rule>) -> String {
    let s = p.as_str();
    match p.as_rule() {
        Rule::quoted_ident => s[1..s.len() - 1].replace("\"\"", "\""),
        _ => fold(s),
    }
}

/// PostgreSQL folds unquoted identifiers to lower case (ASCII only).
fn fold(s: &str) -> String {
    s.to_ascii_lowercase()
}

fn is_ident(r: Rule) -> bool {
    matches!(r, Rule::bare_ident | Rule::quoted_ident | Rule::any_word)
}

fn idents(p: Pair<Rule>) -> Vec<(String, usize)> {
    p.into_inner()
        .filter(|x| is_ident(x.as_rule()))
        .map(|x| (ident_text(&x), x.as_span().start()))
        .collect()
}

/// Whether a COMMIT or ROLLBACK ends with `AND CHAIN` (not `AND NO CHAIN`).
fn and_chain(p: &Pair<Rule>) -> bool {
    find(p, Rule::chain_clause).is_some_and(|c| !has(&c, Rule::no_chain))
}

fn has(p: &Pair<Rule>, rule: Rule) -> bool {
    p.clone().into_inner().any(|x| x.as_rule() == rule)
}

fn find<'a>(p: &Pair<'a, Rule>, rule: Rule) -> Option<Pair<'a, Rule>> {
    p.clone().into_inner().find(|x| x.as_rule() == rule)
}

fn build_object_name(p: Pair<Rule>) -> ObjectName {
    let pos = p.as_span().start();
    let parts: Vec<Pair<Rule>> = p.into_inner().collect();
    if parts.len() == 2 {
        ObjectName {
            schema: Some(ident_text(&parts[0])),
            name: ident_text(&parts[1]),
            pos: parts[1].as_span().start(),
        }
    } else {
        ObjectName {
            schema: None,
            name: parts.first().map(ident_text).unwrap_or_default(),
            pos,
        }
    }
}

fn unquote_string(s: &str) -> String {
    // Adjacent string parts separated by a newline are concatenated.
    let mut out = String::new();
    let mut rest = s.trim();
    while let Some(start) = rest.find('\'') {
        let body = &rest[start + 1..];
        let mut end = body.len();
        let mut i = 0;
        let bytes = body.as_bytes();
        while i < bytes.len() {
            if bytes[i] == b'\'' {
                if i + 1 < bytes.len() && bytes[i + 1] == b'\'' {
                    i += 2;
                    continue;
                }
                end = i;
                break;
            }
            i += 1;
        }
        out.push_str(&body[..end].replace("''", "'"));
        rest = body.get(end + 1..).unwrap_or("");
    }
    out
}

fn unescape_string(s: &str) -> String {
    // E'...': backslash escapes.
    let body = &s[2..s.len() - 1];
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some(o) => out.push(o),
                None => {}
            },
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------- statements

fn build_statement(p: Pair<Rule>) -> R<Statement> {
    Ok(match p.as_rule() {
        Rule::select_stmt => {
            let q = p
                .into_inner()
                .next()
                .ok_or_else(|| SqlError::internal("empty select"))?;
            Statement::Select(Box::new(build_query(q)?))
        }
        Rule::insert_stmt => Statement::Insert(Box::new(build_insert(p)?)),
        Rule::update_stmt => Statement::Update(Box::new(build_update(p)?)),
        Rule::delete_stmt => Statement::Delete(Box::new(build_delete(p)?)),
        Rule::create_table => Statement::CreateTable(Box::new(build_create_table(p)?)),
        Rule::create_index => Statement::CreateIndex(Box::new(build_create_index(p))),
        Rule::create_schema => {
            let if_not_exists = has(&p, Rule::if_not_exists);
            let name = p
                .into_inner()
                .find(|x| is_ident(x.as_rule()))
                .map(|x| ident_text(&x))
                .unwrap_or_default();
            Statement::CreateSchema {
                name,
                if_not_exists,
            }
        }
        Rule::create_sequence | Rule::alter_sequence => build_sequence_stmt(p)?,
        Rule::create_database => {
            let name = p
                .into_inner()
                .find(|x| is_ident(x.as_rule()))
                .map(|x| ident_text(&x))
                .unwrap_or_default();
            Statement::CreateDatabase(name)
        }
        Rule::drop_database => {
            let if_exists = has(&p, Rule::if_exists);
            let name = p
                .into_inner()
                .find(|x| is_ident(x.as_rule()))
                .map(|x| ident_text(&x))
                .unwrap_or_default();
            Statement::DropDatabase { name, if_exists }
        }
        Rule::drop_stmt => Statement::Drop(build_drop(p)),
        Rule::alter_table => Statement::AlterTable(Box::new(build_alter_table(p)?)),
        Rule::begin_stmt => {
            let tag = if has(&p, Rule::start_kw) {
                "START TRANSACTION"
            } else {
                "BEGIN"
            };
            Statement::Begin { tag }
        }
        Rule::commit_stmt => Statement::Commit {
            chain: and_chain(&p),
        },
        Rule::rollback_stmt => Statement::Rollback {
            chain: and_chain(&p),
        },
        Rule::rollback_to_stmt => Statement::RollbackTo(last_ident(p)),
        Rule::savepoint_stmt => Statement::Savepoint(last_ident(p)),
        Rule::release_stmt => Statement::Release(last_ident(p)),
        Rule::set_stmt => build_set(p),
        Rule::show_stmt => Statement::Show(setting_of(p)),
        Rule::reset_stmt => Statement::Reset(setting_of(p)),
        Rule::truncate_stmt => Statement::Truncate(
            p.into_inner()
                .filter(|x| x.as_rule() == Rule::object_name)
                .map(build_object_name)
                .collect(),
        ),
        r => unreachable!("build_statement: {r:?}"),
    })
}

fn last_ident(p: Pair<Rule>) -> String {
    p.into_inner()
        .filter(|x| is_ident(x.as_rule()))
        .last()
        .map(|x| ident_text(&x))
        .unwrap_or_default()
}

fn setting_of(p: Pair<Rule>) -> String {
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::ALL => return "all".into(),
            Rule::time_zone_name => return "timezone".into(),
            Rule::setting_name => return fold(x.as_str()).replace(' ', ""),
            _ => {}
        }
    }
    String::new()
}

fn build_set(p: Pair<Rule>) -> Statement {
    let mut name = String::new();
    let mut values = Vec::new();
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::time_zone_name => name = "timezone".into(),
            Rule::setting_name => name = fold(x.as_str()).replace(' ', ""),
            Rule::set_value => {
                let v = x.into_inner().next();
                let text = match v {
                    Some(v) => match v.as_rule() {
                        Rule::string_lit => unquote_string(v.as_str()),
                        Rule::quoted_ident => ident_text(&v),
                        Rule::any_word => fold(v.as_str()),
                        _ => v.as_str().to_string(),
                    },
                    None => String::new(),
                };
                values.push(text);
            }
            _ => {}
        }
    }
    Statement::Set { name, values }
}

/// CREATE SEQUENCE or ALTER SEQUENCE.
fn build_sequence_stmt(p: Pair<Rule>) -> R<Statement> {
    let (name, options) = build_sequence_parts(&p)?;
    Ok(if p.as_rule() == Rule::create_sequence {
        Statement::CreateSequence {
            name,
            if_not_exists: has(&p, Rule::if_not_exists),
            options,
        }
    } else {
        Statement::AlterSequence {
            name,
            if_exists: has(&p, Rule::if_exists),
            options,
        }
    })
}

/// The name and options of CREATE or ALTER SEQUENCE.
fn build_sequence_parts(p: &Pair<Rule>) -> R<(ObjectName, Vec<SeqOption>)> {
    let name = find(p, Rule::object_name).map_or(
        ObjectName {
            schema: None,
            name: String::new(),
            pos: 0,
        },
        build_object_name,
    );
    let mut options = Vec::new();
    for x in p.clone().into_inner() {
        if x.as_rule() == Rule::seq_option {
            if let Some(o) = x.into_inner().next() {
                options.push(build_seq_option(o)?);
            }
        }
    }
    Ok((name, options))
}

fn build_seq_option(o: Pair<Rule>) -> R<SeqOption> {
    // Sequence options are bigint: a number past its range is refused as PostgreSQL does.
    let num = match find(&o, Rule::signed_int) {
        Some(n) => Some(
            n.as_str()
                .parse::<i64>()
                .map_err(|_| SqlError::value_out_of_range_for_type(n.as_str(), "bigint"))?,
        ),
        None => None,
    };
    let word = |r: Rule| find(&o, r).map(|k| k.as_str().to_ascii_lowercase());
    Ok(match o.as_rule() {
        Rule::seq_as => SeqOption::As(
            find(&o, Rule::type_name)
                .map(build_type_name)
                .ok_or_else(|| SqlError::internal("build_seq_option: AS"))?,
        ),
        Rule::seq_increment => SeqOption::Increment(num.unwrap_or(1)),
        Rule::seq_start => SeqOption::Start(num.unwrap_or(1)),
        Rule::seq_restart => SeqOption::Restart(num),
        Rule::seq_bound => match word(Rule::seq_minmax_kw).as_deref() {
            Some("minvalue") => SeqOption::MinValue(num),
            Some(_) => SeqOption::MaxValue(num),
            None => SeqOption::Cache(num.unwrap_or(1)),
        },
        Rule::seq_no => match word(Rule::seq_minmax_kw).as_deref() {
            Some("minvalue") => SeqOption::MinValue(None),
            Some(_) => SeqOption::MaxValue(None),
            None => SeqOption::Cycle(false),
        },
        Rule::seq_cycle => SeqOption::Cycle(true),
        Rule::seq_owned_by => SeqOption::OwnedBy,
        r => unreachable!("build_seq_option: {r:?}"),
    })
}

fn build_drop(p: Pair<Rule>) -> DropStmt {
    let mut kind = DropKind::Table;
    let mut names = Vec::new();
    let mut if_exists = false;
    let mut cascade = false;
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::drop_kind => {
                kind = match x.into_inner().next().map(|k| k.as_rule()) {
                    Some(Rule::INDEX) => DropKind::Index,
                    Some(Rule::SEQUENCE) => DropKind::Sequence,
                    Some(Rule::SCHEMA) => DropKind::Schema,
                    _ => DropKind::Table,
                }
            }
            Rule::if_exists => if_exists = true,
            Rule::object_name => names.push(build_object_name(x)),
            Rule::drop_behavior => cascade = has(&x, Rule::CASCADE),
            _ => {}
        }
    }
    DropStmt {
        kind,
        names,
        if_exists,
        cascade,
    }
}

// ---------------------------------------------------------------- queries

fn build_query(p: Pair<Rule>) -> R<Query> {
    let mut q = Query {
        body: SetExpr::Values(Vec::new()),
        order_by: Vec::new(),
        limit: None,
        offset: None,
    };
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::set_expr => q.body = build_set_expr(x)?,
            Rule::order_by => q.order_by = build_order_by(x)?,
            Rule::limit_clause => {
                q.limit = match x.into_inner().find(|y| y.as_rule() == Rule::expr) {
                    Some(e) => Some(build_expr(e)?),
                    None => None,
                }
            }
            Rule::offset_clause => {
                if let Some(e) = x.into_inner().find(|y| y.as_rule() == Rule::expr) {
                    q.offset = Some(build_expr(e)?);
                }
            }
            r => unreachable!("build_query: {r:?}"),
        }
    }
    Ok(q)
}

fn build_set_term(p: Pair<Rule>) -> R<SetExpr> {
    Ok(match p.as_rule() {
        Rule::select_core => SetExpr::Select(Box::new(build_select_core(p)?)),
        Rule::values_query => SetExpr::Values(build_values_rows(p)?),
        Rule::query => SetExpr::Query(Box::new(build_query(p)?)),
        r => unreachable!("build_set_term: {r:?}"),
    })
}

fn build_set_expr(p: Pair<Rule>) -> R<SetExpr> {
    let mut it = p.into_inner();
    let first = it
        .next()
        .ok_or_else(|| SqlError::internal("empty set expression"))?;
    let mut left = build_set_term(first)?;
    while let Some(op) = it.next() {
        let mut all = false;
        let mut kind = SetOp::Union;
        for k in op.into_inner() {
            match k.as_rule() {
                Rule::UNION => kind = SetOp::Union,
                Rule::INTERSECT => kind = SetOp::Intersect,
                Rule::EXCEPT => kind = SetOp::Except,
                Rule::ALL => all = true,
                _ => {}
            }
        }
        let right = build_set_term(it.next().ok_or_else(|| SqlError::internal("set operand"))?)?;
        left = SetExpr::SetOp {
            op: kind,
            all,
            left: Box::new(left),
            right: Box::new(right),
        };
    }
    Ok(left)
}

fn build_values_rows(p: Pair<Rule>) -> R<Vec<Vec<Expr>>> {
    let mut rows = Vec::new();
    for row in p.into_inner().filter(|x| x.as_rule() == Rule::values_row) {
        let mut items = Vec::new();
        for v in row.into_inner() {
            let pos = v.as_span().start();
            match v.into_inner().next() {
                Some(e) if e.as_rule() == Rule::expr => items.push(build_expr(e)?),
                _ => {
                    return Err(SqlError::syntax("DEFAULT is not allowed in this context")
                        .at(Some(pos + 1)))
                }
            }
        }
        rows.push(items);
    }
    Ok(rows)
}

fn build_select_core(p: Pair<Rule>) -> R<Select> {
    let mut s = Select {
        distinct: false,
        items: Vec::new(),
        from: Vec::new(),
        where_: None,
        group_by: Vec::new(),
        having: None,
    };
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::SELECT | Rule::ALL => {}
            Rule::distinct_kw => s.distinct = true,
            Rule::select_list => s.items = build_select_list(x)?,
            Rule::from_clause => s.from = build_from(x)?,
            Rule::where_clause => s.where_ = Some(build_inner_expr(x)?),
            Rule::group_by => {
                for e in x.into_inner().filter(|y| y.as_rule() == Rule::expr) {
                    s.group_by.push(build_expr(e)?);
                }
            }
            Rule::having_clause => s.having = Some(build_inner_expr(x)?),
            r => unreachable!("build_select_core: {r:?}"),
        }
    }
    Ok(s)
}

fn build_inner_expr(p: Pair<Rule>) -> R<Expr> {
    match p.into_inner().find(|y| y.as_rule() == Rule::expr) {
        Some(e) => build_expr(e),
        None => Err(SqlError::internal("missing expression")),
    }
}

fn build_select_list(p: Pair<Rule>) -> R<Vec<SelectItem>> {
    let mut items = Vec::new();
    for item in p.into_inner() {
        let mut inner = item.into_inner();
        let first = inner
            .next()
            .ok_or_else(|| SqlError::internal("empty select item"))?;
        match first.as_rule() {
            Rule::star => items.push(SelectItem::Wildcard(first.as_span().start())),
            Rule::qualified_star => {
                let pos = first.as_span().start();
                let name = first
                    .into_inner()
                    .next()
                    .map(|n| ident_text(&n))
                    .unwrap_or_default();
                items.push(SelectItem::QualifiedWildcard(name, pos));
            }
            Rule::expr => {
                let expr = build_expr(first)?;
                let alias = inner.next().map(|a| build_alias(a));
                items.push(SelectItem::Expr { expr, alias });
            }
            r => unreachable!("build_select_list: {r:?}"),
        }
    }
    Ok(items)
}

fn build_alias(p: Pair<Rule>) -> String {
    p.into_inner()
        .filter(|x| is_ident(x.as_rule()))
        .last()
        .map(|x| {
            if x.as_rule() == Rule::any_word {
                fold(x.as_str())
            } else {
                ident_text(&x)
            }
        })
        .unwrap_or_default()
}

fn build_from(p: Pair<Rule>) -> R<Vec<TableRef>> {
    p.into_inner()
        .filter(|x| x.as_rule() == Rule::table_ref)
        .map(build_table_ref)
        .collect()
}

fn build_table_ref(p: Pair<Rule>) -> R<TableRef> {
    let mut it = p.into_inner();
    let first = it
        .next()
        .ok_or_else(|| SqlError::internal("empty table ref"))?;
    let mut left = build_table_primary(first)?;
    for j in it {
        let jp = j
            .into_inner()
            .next()
            .ok_or_else(|| SqlError::internal("empty join"))?;
        let rule = jp.as_rule();
        let mut kind = if rule == Rule::cross_join {
            JoinKind::Cross
        } else {
            JoinKind::Inner
        };
        let mut right = None;
        let mut constraint = JoinConstraint::None;
        for x in jp.into_inner() {
            match x.as_rule() {
                Rule::join_type => {
                    kind = match x.into_inner().next().map(|k| k.as_rule()) {
                        Some(Rule::LEFT) => JoinKind::Left,
                        Some(Rule::RIGHT) => JoinKind::Right,
                        Some(Rule::FULL) => JoinKind::Full,
                        _ => JoinKind::Inner,
                    }
                }
                Rule::table_primary => right = Some(build_table_primary(x)?),
                Rule::join_cond => {
                    constraint = match x.clone().into_inner().find(|y| y.as_rule() == Rule::expr) {
                        Some(e) => JoinConstraint::On(build_expr(e)?),
                        None => JoinConstraint::Using(
                            x.into_inner()
                                .find(|y| y.as_rule() == Rule::ident_list)
                                .map(idents)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|(n, _)| n)
                                .collect(),
                        ),
                    }
                }
                _ => {}
            }
        }
        if rule == Rule::natural_join {
            return Err(SqlError::not_supported("NATURAL JOIN"));
        }
        let right = right.ok_or_else(|| SqlError::internal("join without right side"))?;
        left = TableRef::Join {
            kind,
            left: Box::new(left),
            right: Box::new(right),
            constraint,
        };
    }
    Ok(left)
}

fn build_table_primary(p: Pair<Rule>) -> R<TableRef> {
    let mut name = None;
    let mut query = None;
    let mut alias = None;
    let mut columns = Vec::new();
    let mut nested = None;
    let mut special = None;
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::object_name => name = Some(build_object_name(x)),
            Rule::special_func => special = Some((fold(x.as_str()), x.as_span().start())),
            Rule::query => query = Some(build_query(x)?),
            Rule::table_alias => {
                if let Some(l) = find(&x, Rule::ident_list) {
                    columns = idents(l).into_iter().map(|(n, _)| n).collect();
                }
                alias = x
                    .into_inner()
                    .find(|y| is_ident(y.as_rule()))
                    .map(|y| ident_text(&y))
            }
            Rule::table_ref => nested = Some(build_table_ref(x)?),
            _ => {}
        }
    }
    if let Some(q) = query {
        return Ok(TableRef::Subquery {
            query: Box::new(q),
            alias,
            columns,
        });
    }
    if let Some(n) = nested {
        return Ok(n);
    }
    if let Some((func, pos)) = special {
        // A function in FROM is a one-row table whose column is named after the alias, else
        // after the function (`SELECT * FROM user` → column "user").
        let column = alias.clone().unwrap_or_else(|| func.clone());
        let select = Select {
            distinct: false,
            items: vec![SelectItem::Expr {
                expr: Expr {
                    kind: ExprKind::Special(func.clone()),
                    pos,
                },
                alias: Some(column),
            }],
            from: Vec::new(),
            where_: None,
            group_by: Vec::new(),
            having: None,
        };
        return Ok(TableRef::Subquery {
            query: Box::new(Query {
                body: SetExpr::Select(Box::new(select)),
                order_by: Vec::new(),
                limit: None,
                offset: None,
            }),
            alias: Some(alias.unwrap_or(func)),
            columns,
        });
    }
    match name {
        Some(name) => Ok(TableRef::Table { name, alias }),
        None => Err(SqlError::internal("table primary without name")),
    }
}

fn build_order_by(p: Pair<Rule>) -> R<Vec<OrderItem>> {
    let mut items = Vec::new();
    for it in p.into_inner().filter(|x| x.as_rule() == Rule::order_item) {
        let mut expr = None;
        let mut desc = false;
        let mut nulls_first = None;
        for x in it.into_inner() {
            match x.as_rule() {
                Rule::expr => expr = Some(build_expr(x)?),
                Rule::DESC => desc = true,
                Rule::FIRST => nulls_first = Some(true),
                Rule::LAST => nulls_first = Some(false),
                _ => {}
            }
        }
        let expr = expr.ok_or_else(|| SqlError::internal("order item"))?;
        items.push(OrderItem {
            expr,
            desc,
            nulls_first,
        });
    }
    Ok(items)
}

// ---------------------------------------------------------------- expressions

/// Comparison operators do not associate in PostgreSQL's grammar (`%nonassoc`): a second
/// comparison at the same level (`a < b < c`, `a = b <> c`) is a syntax error at the second
/// operator. Operators of lower precedence (AND, OR, NOT, IS) start a new level.
fn check_comparisons_do_not_chain(pairs: &Pairs<Rule>) -> R<()> {
    let mut seen = false;
    for p in pairs.clone() {
        match p.as_rule() {
            Rule::cmp_op if seen => {
                return Err(SqlError::syntax_error_at(
                    p.as_str(),
                    p.as_span().start() + 1,
                ));
            }
            Rule::cmp_op => seen = true,
            Rule::or_op
            | Rule::and_op
            | Rule::not_op
            | Rule::is_op
            | Rule::isnull_op
            | Rule::notnull_op => seen = false,
            _ => {}
        }
    }
    Ok(())
}

fn build_expr(p: Pair<Rule>) -> R<Expr> {
    build_pratt(p.into_inner())
}

fn build_pratt(pairs: Pairs<Rule>) -> R<Expr> {
    // Parenthesised and nested expressions recurse through here; the prescan bounds their
    // depth, and the stack check makes that bound hold in any build on a 1 MiB stack.
    super::stack::check()?;
    check_comparisons_do_not_chain(&pairs)?;
    PRATT
        .map_primary(build_primary)
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let pos = op.as_span().start();
            Ok(match op.as_rule() {
                Rule::not_op => Expr {
                    kind: ExprKind::Not(Box::new(rhs)),
                    pos,
                },
                Rule::neg_op => negate(rhs, pos),
                Rule::pos_op => rhs,
                r => unreachable!("prefix: {r:?}"),
            })
        })
        .map_postfix(|lhs, op| {
            let lhs = lhs?;
            build_postfix(lhs, op)
        })
        .map_infix(|lhs, op, rhs| {
            let lhs = lhs?;
            let rhs = rhs?;
            let bin = match op.as_rule() {
                Rule::or_op => BinOp::Or,
                Rule::and_op => BinOp::And,
                Rule::cmp_op => match op.as_str() {
                    "=" => BinOp::Eq,
                    "<>" | "!=" => BinOp::NotEq,
                    "<" => BinOp::Lt,
                    "<=" => BinOp::LtEq,
                    ">" => BinOp::Gt,
                    _ => BinOp::GtEq,
                },
                Rule::concat_op => BinOp::Concat,
                Rule::json_op => BinOp::JsonGet,
                Rule::json_text_op => BinOp::JsonGetText,
                Rule::contains_op => BinOp::JsonContains,
                Rule::add_op => BinOp::Add,
                Rule::sub_op => BinOp::Sub,
                Rule::mul_op => BinOp::Mul,
                Rule::div_op => BinOp::Div,
                Rule::mod_op => BinOp::Mod,
                Rule::pow_op => BinOp::Pow,
                r => unreachable!("infix: {r:?}"),
            };
            // PostgreSQL reports operator errors at the operator.
            let pos = op.as_span().start();
            Ok(Expr {
                kind: ExprKind::Binary(bin, Box::new(lhs), Box::new(rhs)),
                pos,
            })
        })
        .parse(pairs)
}

/// `-5` is a negative literal, not negation of 5 (matters for range checks).
/// A minus sign before a number literal belongs to the literal (PostgreSQL's `doNegate`):
/// `-(-5)` is the literal 5, and `-(-2147483648)` the bigint 2147483648.
fn negate(rhs: Expr, pos: usize) -> Expr {
    let flip = |s: String| match s.strip_prefix('-') {
        Some(positive) => positive.to_string(),
        None => format!("-{s}"),
    };
    match rhs.kind {
        ExprKind::Literal(Literal::Integer(s)) => Expr {
            kind: ExprKind::Literal(Literal::Integer(flip(s))),
            pos,
        },
        ExprKind::Literal(Literal::Decimal(s)) => Expr {
            kind: ExprKind::Literal(Literal::Decimal(flip(s))),
            pos,
        },
        other => Expr {
            kind: ExprKind::Neg(Box::new(Expr {
                kind: other,
                pos: rhs.pos,
            })),
            pos,
        },
    }
}

fn build_postfix(lhs: Expr, op: Pair<Rule>) -> R<Expr> {
    let pos = lhs.pos;
    let op_pos = op.as_span().start();
    let negated = has(&op, Rule::not_kw);
    let kind = match op.as_rule() {
        Rule::cast_op => {
            let t = op
                .into_inner()
                .next()
                .ok_or_else(|| SqlError::internal("cast type"))?;
            return Ok(Expr {
                kind: ExprKind::Cast(Box::new(lhs), build_type_name(t)),
                pos: op_pos,
            });
        }
        Rule::isnull_op => ExprKind::IsNull(Box::new(lhs), false),
        Rule::notnull_op => ExprKind::IsNull(Box::new(lhs), true),
        Rule::is_op => {
            let mut kind = None;
            let mut lhs = Some(lhs);
            for x in op.into_inner() {
                match x.as_rule() {
                    Rule::NULL => {
                        kind = Some(ExprKind::IsNull(Box::new(take_operand(&mut lhs)?), negated))
                    }
                    Rule::TRUE => {
                        kind = Some(ExprKind::IsBool(
                            Box::new(take_operand(&mut lhs)?),
                            true,
                            negated,
                        ))
                    }
                    Rule::FALSE => {
                        kind = Some(ExprKind::IsBool(
                            Box::new(take_operand(&mut lhs)?),
                            false,
                            negated,
                        ))
                    }
                    Rule::distinct_from => {
                        let e = x
                            .into_inner()
                            .find(|y| y.as_rule() == Rule::b_expr)
                            .ok_or_else(|| SqlError::internal("distinct"))?;
                        kind = Some(ExprKind::IsDistinct(
                            Box::new(take_operand(&mut lhs)?),
                            Box::new(build_pratt(e.into_inner())?),
                            !negated,
                        ));
                    }
                    _ => {}
                }
            }
            kind.ok_or_else(|| SqlError::internal("is"))?
        }
        Rule::between_op => {
            let mut bs = op.into_inner().filter(|y| y.as_rule() == Rule::b_expr);
            let lo = bs.next().ok_or_else(|| SqlError::internal("between"))?;
            let hi = bs.next().ok_or_else(|| SqlError::internal("between"))?;
            ExprKind::Between(
                Box::new(lhs),
                Box::new(build_pratt(lo.into_inner())?),
                Box::new(build_pratt(hi.into_inner())?),
                negated,
            )
        }
        Rule::in_op => {
            let mut kind = None;
            let mut lhs = Some(lhs);
            for x in op.into_inner() {
                match x.as_rule() {
                    Rule::query => {
                        kind = Some(ExprKind::InSubquery(
                            Box::new(take_operand(&mut lhs)?),
                            Box::new(build_query(x)?),
                            negated,
                        ))
                    }
                    Rule::expr_list => {
                        let list = x.into_inner().map(build_expr).collect::<R<Vec<_>>>()?;
                        kind = Some(ExprKind::InList(
                            Box::new(take_operand(&mut lhs)?),
                            list,
                            negated,
                        ));
                    }
                    _ => {}
                }
            }
            kind.ok_or_else(|| SqlError::internal("in"))?
        }
        Rule::like_op => {
            let ci = has(&op, Rule::ILIKE);
            let mut bs = op.into_inner().filter(|y| y.as_rule() == Rule::b_expr);
            let pat = bs.next().ok_or_else(|| SqlError::internal("like"))?;
            let escape = match bs.next() {
                Some(e) => Some(Box::new(build_pratt(e.into_inner())?)),
                None => None,
            };
            ExprKind::Like {
                expr: Box::new(lhs),
                pattern: Box::new(build_pratt(pat.into_inner())?),
                negated,
                case_insensitive: ci,
                escape,
            }
        }
        r => unreachable!("build_postfix: {r:?}"),
    };
    let pos = if matches!(
        kind,
        ExprKind::Like { .. } | ExprKind::InList(..) | ExprKind::InSubquery(..)
    ) {
        op_pos
    } else {
        pos
    };
    Ok(Expr { kind, pos })
}

/// The operand of a postfix operator, moved out once: cloning it instead would copy the whole
/// left-nested chain at each link (quadratic, and as deep as the chain while cloning).
fn take_operand(lhs: &mut Option<Expr>) -> R<Expr> {
    lhs.take()
        .ok_or_else(|| SqlError::internal("postfix operand used twice"))
}

fn lit(kind: Literal, pos: usize) -> Expr {
    Expr {
        kind: ExprKind::Literal(kind),
        pos,
    }
}

fn build_primary(p: Pair<Rule>) -> R<Expr> {
    // A small dispatcher keeps each recursion step's stack frame small: nested parentheses
    // recurse through here, and the full match's frame is kilobytes in an unoptimised build.
    match p.as_rule() {
        Rule::paren_expr => build_paren_expr(p),
        Rule::case_expr => build_case(p),
        Rule::cast_expr => build_cast_expr(p),
        Rule::func_call => build_func_call(
            p.into_inner()
                .next()
                .ok_or_else(|| SqlError::internal("func"))?,
        ),
        _ => build_primary_other(p),
    }
}

/// `CAST(expr AS type)`.
fn build_cast_expr(p: Pair<Rule>) -> R<Expr> {
    let pos = p.as_span().start();
    let mut e = None;
    let mut t = None;
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::expr => e = Some(build_expr(x)?),
            Rule::type_name => t = Some(build_type_name(x)),
            _ => {}
        }
    }
    match (e, t) {
        (Some(e), Some(t)) => Ok(Expr {
            kind: ExprKind::Cast(Box::new(e), t),
            pos,
        }),
        _ => Err(SqlError::internal("cast")),
    }
}

/// `( expr )` or a row constructor `( expr, expr … )`.
fn build_paren_expr(p: Pair<Rule>) -> R<Expr> {
    let pos = p.as_span().start();
    // A plain loop: an iterator chain's adapters add a dozen frames to each nesting level.
    let mut items = Vec::new();
    for x in p.into_inner() {
        if x.as_rule() == Rule::expr {
            items.push(build_expr(x)?);
        }
    }
    Ok(if items.len() == 1 {
        items.remove(0)
    } else {
        Expr {
            kind: ExprKind::Row(items),
            pos,
        }
    })
}

fn build_primary_other(p: Pair<Rule>) -> R<Expr> {
    let pos = p.as_span().start();
    Ok(match p.as_rule() {
        Rule::integer_lit => lit(Literal::Integer(p.as_str().to_string()), pos),
        Rule::decimal_lit => lit(Literal::Decimal(p.as_str().to_string()), pos),
        Rule::string_lit => lit(Literal::String(unquote_string(p.as_str())), pos),
        Rule::escape_string => lit(Literal::String(unescape_string(p.as_str())), pos),
        Rule::true_lit => lit(Literal::Bool(true), pos),
        Rule::false_lit => lit(Literal::Bool(false), pos),
        Rule::null_lit => lit(Literal::Null, pos),
        Rule::subquery_expr => {
            let q = p
                .into_inner()
                .find(|x| x.as_rule() == Rule::query)
                .ok_or_else(|| SqlError::internal("subquery"))?;
            Expr {
                kind: ExprKind::Subquery(Box::new(build_query(q)?)),
                pos,
            }
        }
        Rule::exists_expr => {
            let q = p
                .into_inner()
                .find(|x| x.as_rule() == Rule::query)
                .ok_or_else(|| SqlError::internal("exists"))?;
            Expr {
                kind: ExprKind::Exists(Box::new(build_query(q)?), false),
                pos,
            }
        }
        Rule::typed_literal => {
            let mut ty = None;
            let mut s = String::new();
            let mut spos = pos;
            for x in p.into_inner() {
                match x.as_rule() {
                    Rule::timestamp_type => ty = Some(build_timestamp_type(x)),
                    Rule::literal_type => ty = Some(build_type_name(x)),
                    Rule::date_kw => {
                        ty = Some(TypeName {
                            name: "date".into(),
                            mods: vec![],
                            pos,
                            array: false,
                        })
                    }
                    Rule::string_lit => {
                        spos = x.as_span().start();
                        s = unquote_string(x.as_str());
                    }
                    _ => {}
                }
            }
            let ty = ty.ok_or_else(|| SqlError::internal("typed literal"))?;
            Expr {
                kind: ExprKind::Cast(Box::new(lit(Literal::String(s), spos)), ty),
                pos,
            }
        }
        Rule::special_func => Expr {
            kind: ExprKind::Special(fold(p.as_str())),
            pos,
        },
        Rule::column_ref => {
            let parts: Vec<String> = p.into_inner().map(|x| ident_text(&x)).collect();
            Expr {
                kind: ExprKind::Column(parts),
                pos,
            }
        }
        r => unreachable!("build_primary: {r:?}"),
    })
}

fn build_case(p: Pair<Rule>) -> R<Expr> {
    let pos = p.as_span().start();
    let mut operand = None;
    let mut whens = Vec::new();
    let mut else_ = None;
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::expr => operand = Some(Box::new(build_expr(x)?)),
            Rule::when_clause => {
                let mut es = x.into_inner().filter(|y| y.as_rule() == Rule::expr);
                let c = es.next().ok_or_else(|| SqlError::internal("when"))?;
                let r = es.next().ok_or_else(|| SqlError::internal("then"))?;
                whens.push((build_expr(c)?, build_expr(r)?));
            }
            Rule::else_clause => else_ = Some(Box::new(build_inner_expr(x)?)),
            _ => {}
        }
    }
    Ok(Expr {
        kind: ExprKind::Case {
            operand,
            whens,
            else_,
        },
        pos,
    })
}

fn func(name: &str, args: Vec<Expr>, pos: usize) -> Expr {
    Expr {
        kind: ExprKind::Function {
            name: name.into(),
            args,
            distinct: false,
            star: false,
        },
        pos,
    }
}

fn build_func_call(p: Pair<Rule>) -> R<Expr> {
    let pos = p.as_span().start();
    match p.as_rule() {
        Rule::generic_call => {
            let mut name = String::new();
            let mut args = Vec::new();
            let mut distinct = false;
            let mut star = false;
            let mut order = Vec::new();
            for x in p.into_inner() {
                match x.as_rule() {
                    Rule::func_name => {
                        // A schema qualifier (pg_catalog.now) is accepted and ignored.
                        name = x
                            .into_inner()
                            .last()
                            .map(|n| match n.as_rule() {
                                Rule::quoted_ident => ident_text(&n),
                                _ => fold(n.as_str()),
                            })
                            .unwrap_or_default();
                    }
                    Rule::func_args => {
                        for a in x.into_inner() {
                            match a.as_rule() {
                                Rule::star => star = true,
                                Rule::distinct_kw => distinct = true,
                                Rule::expr_list => {
                                    args = a.into_inner().map(build_expr).collect::<R<Vec<_>>>()?
                                }
                                Rule::order_by => order = build_order_by(a)?,
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            let call = Expr {
                kind: ExprKind::Function {
                    name,
                    args,
                    distinct,
                    star,
                },
                pos,
            };
            if order.is_empty() {
                return Ok(call);
            }
            Ok(Expr {
                kind: ExprKind::AggOrder(Box::new(call), order),
                pos,
            })
        }
        Rule::substring_call => {
            let inner: Vec<Pair<Rule>> = p.into_inner().collect();
            let for_only = inner.iter().any(|x| x.as_rule() == Rule::FOR)
                && !inner.iter().any(|x| x.as_rule() == Rule::FROM);
            let mut args = inner
                .into_iter()
                .filter(|x| x.as_rule() == Rule::expr)
                .map(build_expr)
                .collect::<R<Vec<_>>>()?;
            if for_only && args.len() == 2 {
                // substring(x FOR n) starts at 1.
                args.insert(1, lit(Literal::Integer("1".into()), pos));
            }
            Ok(func("substring", args, pos))
        }
        Rule::position_call => {
            let mut args = p
                .into_inner()
                .filter(|x| x.as_rule() == Rule::b_expr)
                .map(|x| build_pratt(x.into_inner()))
                .collect::<R<Vec<_>>>()?;
            // position(a IN b) is strpos(b, a).
            args.reverse();
            Ok(func("position", args, pos))
        }
        Rule::extract_call => {
            let mut field = String::new();
            let mut args = Vec::new();
            for x in p.into_inner() {
                match x.as_rule() {
                    Rule::any_word => field = fold(x.as_str()),
                    Rule::expr => args.push(build_expr(x)?),
                    _ => {}
                }
            }
            args.insert(0, lit(Literal::String(field), pos));
            Ok(func("extract", args, pos))
        }
        Rule::trim_call => {
            let mut spec = "btrim";
            let mut exprs = Vec::new();
            let mut has_from = false;
            for x in p.into_inner() {
                match x.as_rule() {
                    Rule::trim_spec => {
                        spec = match fold(x.as_str()).as_str() {
                            "leading" => "ltrim",
                            "trailing" => "rtrim",
                            _ => "btrim",
                        }
                    }
                    Rule::FROM => has_from = true,
                    Rule::expr => exprs.push(build_expr(x)?),
                    _ => {}
                }
            }
            // trim([spec] [chars] FROM s) → spec(s, chars)
            if has_from && exprs.len() == 2 {
                exprs.swap(0, 1);
            }
            Ok(func(spec, exprs, pos))
        }
        r => unreachable!("build_func_call: {r:?}"),
    }
}

// ---------------------------------------------------------------- types

fn mods_of(p: Option<Pair<Rule>>) -> Vec<i64> {
    p.map(|m| {
        m.into_inner()
            .filter_map(|x| x.as_str().parse().ok())
            .collect()
    })
    .unwrap_or_default()
}

fn build_timestamp_type(p: Pair<Rule>) -> TypeName {
    let pos = p.as_span().start();
    let tz = p
        .clone()
        .into_inner()
        .find(|x| x.as_rule() == Rule::tz_spec)
        .is_some_and(|t| has(&t, Rule::WITH));
    let mods = mods_of(find(&p, Rule::type_mods));
    let base = if p.as_rule() == Rule::time_type {
        "time"
    } else {
        "timestamp"
    };
    TypeName {
        name: if tz { format!("{base}tz") } else { base.into() },
        mods,
        pos,
        array: false,
    }
}

fn build_type_name(p: Pair<Rule>) -> TypeName {
    let pos = p.as_span().start();
    let array = has(&p, Rule::array_suffix);
    let Some(t) = p.into_inner().next() else {
        return TypeName {
            name: String::new(),
            mods: vec![],
            pos,
            array,
        };
    };
    let mut tn = match t.as_rule() {
        Rule::double_type => TypeName {
            name: "double precision".into(),
            mods: vec![],
            pos,
            array,
        },
        Rule::varying_type => TypeName {
            name: "varchar".into(),
            mods: mods_of(find(&t, Rule::type_mods)),
            pos,
            array,
        },
        Rule::char_type => {
            let m = mods_of(find(&t, Rule::type_mods));
            TypeName {
                name: "char".into(),
                mods: if m.is_empty() { vec![1] } else { m },
                pos,
                array,
            }
        }
        Rule::timestamp_type | Rule::time_type => build_timestamp_type(t),
        Rule::simple_type => {
            let mods = mods_of(find(&t, Rule::type_mods));
            let name = t
                .into_inner()
                .filter(|x| is_ident(x.as_rule()))
                .last()
                .map(|x| ident_text(&x))
                .unwrap_or_default();
            TypeName {
                name,
                mods,
                pos,
                array,
            }
        }
        r => unreachable!("build_type_name: {r:?}"),
    };
    tn.array = array;
    tn
}

// ---------------------------------------------------------------- DML

fn build_returning(p: Pair<Rule>) -> R<Vec<SelectItem>> {
    match p.into_inner().find(|x| x.as_rule() == Rule::select_list) {
        Some(l) => build_select_list(l),
        None => Ok(Vec::new()),
    }
}

fn build_assignment(p: Pair<Rule>) -> R<Assignment> {
    let mut column = String::new();
    let mut cpos = 0;
    let mut value = None;
    for x in p.into_inner() {
        match x.as_rule() {
            r if is_ident(r) => {
                cpos = x.as_span().start();
                column = ident_text(&x);
            }
            Rule::expr => value = Some(build_expr(x)?),
            _ => {}
        }
    }
    Ok(Assignment {
        column,
        pos: cpos,
        value,
    })
}

fn build_insert(p: Pair<Rule>) -> R<Insert> {
    let mut ins = Insert {
        table: ObjectName {
            schema: None,
            name: String::new(),
            pos: 0,
        },
        alias: None,
        columns: Vec::new(),
        source: InsertSource::DefaultValues,
        on_conflict: None,
        returning: Vec::new(),
    };
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::object_name => ins.table = build_object_name(x),
            r if is_ident(r) => ins.alias = Some(ident_text(&x)),
            Rule::ident_list => ins.columns = idents(x),
            Rule::insert_source => {
                let s = x
                    .into_inner()
                    .next()
                    .ok_or_else(|| SqlError::internal("insert source"))?;
                ins.source = match s.as_rule() {
                    Rule::default_values => InsertSource::DefaultValues,
                    Rule::values_rows => {
                        let mut rows = Vec::new();
                        for row in s.into_inner().filter(|y| y.as_rule() == Rule::values_row) {
                            let mut items = Vec::new();
                            for v in row.into_inner() {
                                match v.into_inner().next() {
                                    Some(e) if e.as_rule() == Rule::expr => {
                                        items.push(InsertValue::Expr(build_expr(e)?))
                                    }
                                    _ => items.push(InsertValue::Default),
                                }
                            }
                            rows.push(items);
                        }
                        InsertSource::Values(rows)
                    }
                    Rule::query => InsertSource::Query(Box::new(build_query(s)?)),
                    r => unreachable!("insert source: {r:?}"),
                };
            }
            Rule::on_conflict => {
                let mut oc = OnConflict {
                    target: Vec::new(),
                    constraint: None,
                    update: None,
                };
                for y in x.into_inner() {
                    match y.as_rule() {
                        Rule::conflict_target => {
                            if let Some(l) = find(&y, Rule::ident_list) {
                                oc.target = idents(l).into_iter().map(|(n, _)| n).collect();
                            } else {
                                oc.constraint = y
                                    .into_inner()
                                    .find(|z| is_ident(z.as_rule()))
                                    .map(|z| ident_text(&z));
                            }
                        }
                        Rule::do_update => {
                            let mut sets = Vec::new();
                            let mut wh = None;
                            for z in y.into_inner() {
                                match z.as_rule() {
                                    Rule::assignment => sets.push(build_assignment(z)?),
                                    Rule::where_clause => wh = Some(build_inner_expr(z)?),
                                    _ => {}
                                }
                            }
                            oc.update = Some((sets, wh));
                        }
                        _ => {}
                    }
                }
                ins.on_conflict = Some(oc);
            }
            Rule::returning => ins.returning = build_returning(x)?,
            _ => {}
        }
    }
    Ok(ins)
}

fn build_update(p: Pair<Rule>) -> R<Update> {
    let mut up = Update {
        table: ObjectName {
            schema: None,
            name: String::new(),
            pos: 0,
        },
        alias: None,
        assignments: Vec::new(),
        from: Vec::new(),
        where_: None,
        returning: Vec::new(),
    };
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::object_name => up.table = build_object_name(x),
            r if is_ident(r) => up.alias = Some(ident_text(&x)),
            Rule::assignment => up.assignments.push(build_assignment(x)?),
            Rule::from_clause => up.from = build_from(x)?,
            Rule::where_clause => up.where_ = Some(build_inner_expr(x)?),
            Rule::returning => up.returning = build_returning(x)?,
            _ => {}
        }
    }
    Ok(up)
}

fn build_delete(p: Pair<Rule>) -> R<Delete> {
    let mut d = Delete {
        table: ObjectName {
            schema: None,
            name: String::new(),
            pos: 0,
        },
        alias: None,
        where_: None,
        returning: Vec::new(),
    };
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::object_name => d.table = build_object_name(x),
            Rule::table_alias => {
                d.alias = x
                    .into_inner()
                    .find(|y| is_ident(y.as_rule()))
                    .map(|y| ident_text(&y))
            }
            Rule::where_clause => d.where_ = Some(build_inner_expr(x)?),
            Rule::returning => d.returning = build_returning(x)?,
            _ => {}
        }
    }
    Ok(d)
}

// ---------------------------------------------------------------- DDL

fn build_create_table(p: Pair<Rule>) -> R<CreateTable> {
    let mut ct = CreateTable {
        name: ObjectName {
            schema: None,
            name: String::new(),
            pos: 0,
        },
        if_not_exists: false,
        columns: Vec::new(),
        constraints: Vec::new(),
    };
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::if_not_exists => ct.if_not_exists = true,
            Rule::object_name => ct.name = build_object_name(x),
            Rule::column_def => ct.columns.push(build_column_def(x)?),
            Rule::table_constraint => ct.constraints.push(build_table_constraint(x)?),
            _ => {}
        }
    }
    Ok(ct)
}

fn build_column_def(p: Pair<Rule>) -> R<ColumnDef> {
    let mut name = String::new();
    let mut pos = 0;
    let mut ty = None;
    let mut constraints = Vec::new();
    for x in p.into_inner() {
        match x.as_rule() {
            r if is_ident(r) => {
                pos = x.as_span().start();
                name = ident_text(&x);
            }
            Rule::type_name => ty = Some(build_type_name(x)),
            Rule::column_constraint => constraints.push(build_column_constraint(x)?),
            _ => {}
        }
    }
    let ty = ty.ok_or_else(|| SqlError::internal("column type"))?;
    Ok(ColumnDef {
        name,
        pos,
        ty,
        constraints,
    })
}

fn build_column_constraint(p: Pair<Rule>) -> R<ColumnConstraint> {
    let mut name = None;
    let mut kind = None;
    for x in p.into_inner() {
        match x.as_rule() {
            r if is_ident(r) => name = Some(ident_text(&x)),
            Rule::not_null_c => kind = Some(ColumnConstraintKind::NotNull),
            Rule::null_c => kind = Some(ColumnConstraintKind::Null),
            Rule::default_c => {
                let e = x
                    .into_inner()
                    .find(|y| y.as_rule() == Rule::b_expr)
                    .ok_or_else(|| SqlError::internal("default"))?;
                let text = e.as_str().to_string();
                kind = Some(ColumnConstraintKind::Default(
                    build_pratt(e.into_inner())?,
                    text,
                ));
            }
            Rule::primary_key_c => kind = Some(ColumnConstraintKind::PrimaryKey),
            Rule::unique_c => kind = Some(ColumnConstraintKind::Unique),
            Rule::check_c => {
                let e = x
                    .into_inner()
                    .find(|y| y.as_rule() == Rule::expr)
                    .ok_or_else(|| SqlError::internal("check"))?;
                let text = e.as_str().to_string();
                kind = Some(ColumnConstraintKind::Check(build_expr(e)?, text));
            }
            Rule::references_c => {
                kind = Some(ColumnConstraintKind::References(build_references(x)))
            }
            _ => {}
        }
    }
    let kind = kind.ok_or_else(|| SqlError::internal("column constraint"))?;
    Ok(ColumnConstraint { name, kind })
}

fn build_references(p: Pair<Rule>) -> ForeignKeyRef {
    let mut r = ForeignKeyRef {
        table: ObjectName {
            schema: None,
            name: String::new(),
            pos: 0,
        },
        columns: Vec::new(),
        on_delete: FkAction::NoAction,
        on_update: FkAction::NoAction,
    };
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::object_name => r.table = build_object_name(x),
            Rule::ident_list => r.columns = idents(x).into_iter().map(|(n, _)| n).collect(),
            Rule::fk_option => {
                if let Some(o) = x.into_inner().next() {
                    let rule = o.as_rule();
                    let action = find(&o, Rule::fk_action)
                        .map(build_fk_action)
                        .unwrap_or(FkAction::NoAction);
                    match rule {
                        Rule::on_delete => r.on_delete = action,
                        Rule::on_update => r.on_update = action,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    r
}

fn build_fk_action(p: Pair<Rule>) -> FkAction {
    if has(&p, Rule::CASCADE) {
        FkAction::Cascade
    } else if has(&p, Rule::RESTRICT) {
        FkAction::Restrict
    } else if has(&p, Rule::NULL) {
        FkAction::SetNull
    } else if has(&p, Rule::DEFAULT) {
        FkAction::SetDefault
    } else {
        FkAction::NoAction
    }
}

fn build_table_constraint(p: Pair<Rule>) -> R<TableConstraint> {
    let mut name = None;
    let mut kind = None;
    for x in p.into_inner() {
        match x.as_rule() {
            r if is_ident(r) => name = Some(ident_text(&x)),
            Rule::primary_key_tc => {
                kind = Some(TableConstraintKind::PrimaryKey(
                    find(&x, Rule::ident_list).map(idents).unwrap_or_default(),
                ))
            }
            Rule::unique_tc => {
                kind = Some(TableConstraintKind::Unique(
                    find(&x, Rule::ident_list).map(idents).unwrap_or_default(),
                ))
            }
            Rule::check_c => {
                let e = x
                    .into_inner()
                    .find(|y| y.as_rule() == Rule::expr)
                    .ok_or_else(|| SqlError::internal("check"))?;
                let text = e.as_str().to_string();
                kind = Some(TableConstraintKind::Check(build_expr(e)?, text));
            }
            Rule::foreign_key_tc => {
                let cols = find(&x, Rule::ident_list).map(idents).unwrap_or_default();
                let r = find(&x, Rule::references_c)
                    .map(build_references)
                    .ok_or_else(|| SqlError::internal("fk"))?;
                kind = Some(TableConstraintKind::ForeignKey(cols, r));
            }
            _ => {}
        }
    }
    let kind = kind.ok_or_else(|| SqlError::internal("table constraint"))?;
    Ok(TableConstraint { name, kind })
}

fn build_create_index(p: Pair<Rule>) -> CreateIndex {
    let mut ci = CreateIndex {
        name: None,
        unique: false,
        if_not_exists: false,
        table: ObjectName {
            schema: None,
            name: String::new(),
            pos: 0,
        },
        columns: Vec::new(),
    };
    let mut seen_on = false;
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::unique_kw => ci.unique = true,
            Rule::if_not_exists => ci.if_not_exists = true,
            Rule::ON => seen_on = true,
            r if is_ident(r) && !seen_on => ci.name = Some(ident_text(&x)),
            Rule::object_name => ci.table = build_object_name(x),
            Rule::index_elem => {
                if let Some(n) = x.into_inner().find(|y| is_ident(y.as_rule())) {
                    ci.columns.push((ident_text(&n), n.as_span().start()));
                }
            }
            _ => {}
        }
    }
    ci
}

fn build_alter_table(p: Pair<Rule>) -> R<AlterTable> {
    let mut at = AlterTable {
        table: ObjectName {
            schema: None,
            name: String::new(),
            pos: 0,
        },
        if_exists: false,
        actions: Vec::new(),
    };
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::if_exists => at.if_exists = true,
            Rule::object_name => at.table = build_object_name(x),
            Rule::ALTER | Rule::TABLE | Rule::ONLY => {}
            _ => at.actions.push(build_alter_action(x)?),
        }
    }
    Ok(at)
}

fn build_alter_action(p: Pair<Rule>) -> R<AlterAction> {
    let rule = p.as_rule();
    let names: Vec<String> = p
        .clone()
        .into_inner()
        .filter(|x| is_ident(x.as_rule()))
        .map(|x| ident_text(&x))
        .collect();
    let first = names.first().cloned().unwrap_or_default();
    let second = names.get(1).cloned().unwrap_or_default();
    let if_exists = has(&p, Rule::if_exists);
    let cascade = find(&p, Rule::drop_behavior).is_some_and(|b| has(&b, Rule::CASCADE));
    Ok(match rule {
        Rule::add_constraint => {
            let tc = find(&p, Rule::table_constraint)
                .ok_or_else(|| SqlError::internal("add constraint"))?;
            AlterAction::AddConstraint(build_table_constraint(tc)?)
        }
        Rule::add_column => {
            let def = find(&p, Rule::column_def).ok_or_else(|| SqlError::internal("add column"))?;
            AlterAction::AddColumn {
                def: build_column_def(def)?,
                if_not_exists: has(&p, Rule::if_not_exists),
            }
        }
        Rule::drop_constraint => AlterAction::DropConstraint {
            name: first,
            if_exists,
            cascade,
        },
        Rule::drop_column => AlterAction::DropColumn {
            name: first,
            if_exists,
            cascade,
        },
        Rule::rename_constraint => AlterAction::RenameConstraint {
            from: first,
            to: second,
        },
        Rule::rename_table => AlterAction::RenameTable(first),
        Rule::rename_column => AlterAction::RenameColumn {
            from: first,
            to: second,
        },
        Rule::set_schema => AlterAction::SetSchema(first),
        Rule::alter_column => {
            let sub = p
                .into_inner()
                .last()
                .ok_or_else(|| SqlError::internal("alter column"))?;
            match sub.as_rule() {
                Rule::set_not_null => AlterAction::SetNotNull(first),
                Rule::drop_not_null => AlterAction::DropNotNull(first),
                Rule::drop_default => AlterAction::DropDefault(first),
                Rule::set_default => {
                    let e = sub
                        .into_inner()
                        .find(|y| y.as_rule() == Rule::b_expr)
                        .ok_or_else(|| SqlError::internal("default"))?;
                    let text = e.as_str().to_string();
                    AlterAction::SetDefault(first, build_pratt(e.into_inner())?, text)
                }
                Rule::set_type => {
                    let mut ty = None;
                    let mut using = None;
                    for y in sub.into_inner() {
                        match y.as_rule() {
                            Rule::type_name => ty = Some(build_type_name(y)),
                            Rule::expr => using = Some(build_expr(y)?),
                            _ => {}
                        }
                    }
                    let ty = ty.ok_or_else(|| SqlError::internal("type"))?;
                    AlterAction::AlterType {
                        column: first,
                        ty,
                        using,
                    }
                }
                r => unreachable!("alter column: {r:?}"),
            }
        }
        r => unreachable!("build_alter_action: {r:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_token() {
        for (sql, msg) in [
            ("SELECT * FROM;", "syntax error at or near \";\""),
            ("SELEC 1;", "syntax error at or near \"SELEC\""),
            (
                "CREATE TABLE user (id int);",
                "syntax error at or near \"user\"",
            ),
            ("SELECT 1 +", "syntax error at end of input"),
            (
                "INSERT INTO t VALUES ('alice);",
                "unterminated quoted string at or near \"'alice);\"",
            ),
        ] {
            let e = parse(sql).unwrap_err();
            assert_eq!(e.code(), "42601", "{sql}");
            assert_eq!(e.message, msg, "{sql}");
        }
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowed() {
        let sql = format!("SELECT {}1{};", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(parse(&sql).unwrap_err().code(), "54001");
        let sql = format!("SELECT {}1;", "NOT ".repeat(10_000));
        assert_eq!(parse(&sql).unwrap_err().code(), "54001");
    }

    #[test]
    fn fast_path_builds_the_same_tree_as_pest() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/pg");
        let mut lines: Vec<String> = vec![
            "INSERT INTO users (name, email, age) VALUES ('D''Arcy', 'user4@example.com', NULL);".into(),
            "insert into public.users values (1, -2.5, 3., TRUE, false, DEFAULT), (2, 'x', -7, null, 1, 2)".into(),
            "SELECT * FROM users WHERE id = 5;".into(),
            "SELECT count(*) FROM users WHERE age >= -3".into(),
            "SELECT a, b FROM s.t WHERE c <> 'x';".into(),
            "SELECT alembic_version.version_num FROM alembic_version".into(),
            "select T.a, b FROM t WHERE t.b = 'x'".into(),
            "BEGIN".into(),
            "commit;".into(),
            "ROLLBACK WORK".into(),
            "begin transaction ;".into(),
            "UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1'".into(),
            "update public.t set a = DEFAULT, b = -1.5, c = null returning t.a, b;".into(),
            "INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num".into(),
            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'a1'".into(),
            "delete from t".into(),
        ];
        for dir in [root.join("scenarios"), root.join("extra/scenarios")] {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                lines.extend(
                    text.lines()
                        .filter(|l| !l.trim().is_empty() && !l.starts_with("--"))
                        .map(str::to_string),
                );
            }
        }
        let mut fast = 0;
        for l in &lines {
            if let Some(stmt) = crate::sql::fastpath::parse(l) {
                fast += 1;
                assert_eq!(Ok(stmt), parse_with_pest(l), "{l}");
            }
        }
        assert!(fast > 50, "fast path used for {fast} statements");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn fast_path_agrees_with_pest_on_random_simple_statements(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "INSERT", "INTO", "SELECT", "FROM", "WHERE", "VALUES", "DEFAULT", "NULL", "TRUE", "count",
                "users", "public", "Name", "id", "user", "(", ")", ",", ";", ".", "*", "=", "<", ">=", "<>",
                "-", "1", "2.5", "'x'", "'it''s'", " ", "\n", "--c", "\"q\"",
                "BEGIN", "COMMIT", "ROLLBACK", "WORK", "transaction", "TO", "end", "users.id",
            ]), 0..14)
        ) {
            let sql = parts.join(" ");
            if let Some(stmt) = crate::sql::fastpath::parse(&sql) {
                proptest::prop_assert_eq!(Ok(stmt), parse_with_pest(&sql), "{}", sql);
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn pick<'a>(xs: &[&'a str], i: usize) -> &'a str {
        xs[i % xs.len()]
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn fast_path_agrees_with_pest_on_shaped_statements(seed in proptest::collection::vec(0usize..1000, 12)) {
            let names = ["users", "Users", "public.users", "t1", "user", "values", "a_b"];
            let lits = ["1", "-2", "3.5", "1.", "'x'", "'it''s'", "NULL", "true", "FALSE", "DEFAULT", "- 3", "'é'"];
            let ws = [" ", "  ", "\t", "\n", ""];
            let ops = ["=", "<", "<=", ">", ">=", "<>", "!="];
            let sql = if seed[0] % 5 == 3 {
                let sets = pick(&["a = 1", "a='x', B = DEFAULT", "t.a = 1", "a = b", "a = -2, b = null", "set = 1", "a = (1)"], seed[1]);
                let wh = pick(&["", " WHERE t.id = 5", " where id<>'x'", " WHERE id = 1 AND a = 2", " WHERE a.b.c = 1"], seed[2]);
                let ret = pick(&["", " RETURNING id", " returning t.id, name", " RETURNING *", " RETURNING id AS x", " RETURNING id x"], seed[3]);
                format!("UPDATE{}{}{}SET {sets}{wh}{ret}{}", pick(&ws, seed[4]), pick(&names, seed[5]), pick(&[" ", " AS u ", " u ", "\n"], seed[6]), pick(&[";", "", " ;"], seed[7]))
            } else if seed[0] % 5 == 4 {
                let wh = pick(&["", " WHERE t.id = 5", " where id >= -1", " WHERE id = 1 OR a = 2"], seed[1]);
                let ret = pick(&["", " RETURNING id", " returning t.id, name", " RETURNING *"], seed[2]);
                let tail = pick(&[";", "", " ;", " x"], seed[3]);
                if seed[4] % 2 == 0 {
                    format!("DELETE FROM{}{}{}{wh}{ret}{tail}", pick(&ws, seed[5]), pick(&names, seed[6]), pick(&["", " AS d", " d", " ONLY"], seed[7]))
                } else {
                    format!("INSERT INTO {} (a) VALUES ({}){ret}{tail}", pick(&names, seed[6]), pick(&lits, seed[7]))
                }
            } else if seed[0] % 5 == 2 {
                let verb = pick(&["BEGIN", "commit", "Rollback", "END", "ABORT", "begin;"], seed[1]);
                let rest = pick(&["", " WORK", " transaction", " TO s", " AND CHAIN", " ISOLATION LEVEL SERIALIZABLE", " x"], seed[2]);
                format!("{}{verb}{rest}{}", pick(&ws, seed[3]), pick(&[";", "", " ;", ";;"], seed[4]))
            } else if seed[0] % 5 == 0 {
                let cols = if seed[1] % 2 == 0 { String::new() } else { format!("({}, {})", pick(&["id", "Name", "age", "select"], seed[2]), pick(&["x", "y"], seed[3])) };
                let row = format!("({},{}{})", pick(&lits, seed[4]), pick(&ws, seed[5]), pick(&lits, seed[6]));
                let rows = if seed[7] % 3 == 0 { format!("{row}, {row}") } else { row };
                format!("INSERT{}INTO {} {cols} VALUES {rows}{}", pick(&ws, seed[8]), pick(&names, seed[9]), pick(&[";", "", " ;", ";;"], seed[10]))
            } else {
                let items = pick(&["*", "count(*)", "id, name", "count (*)", "id name", "users.id", "t.a, b", "a.b.c", "t.*", "t.select"], seed[1]);
                let wh = if seed[2] % 2 == 0 { String::new() } else { format!(" WHERE {}{}{}", pick(&["id", "age", "Age", "from", "users.id", "t . age", "t.from"], seed[3]), pick(&ops, seed[4]), pick(&lits, seed[5])) };
                format!("select {items} FROM{}{}{wh}{}", pick(&ws, seed[6]), pick(&names, seed[7]), pick(&[";", "", " ;"], seed[8]))
            };
            if let Some(stmt) = crate::sql::fastpath::parse(&sql) {
                proptest::prop_assert_eq!(Ok(stmt), parse_with_pest(&sql), "{}", sql);
            }
        }
    }

    #[test]
    fn identifiers_fold_to_lower_case() {
        let Statement::Select(q) = parse("SELECT Name, \"Mixed\" FROM Users").unwrap() else {
            panic!()
        };
        let SetExpr::Select(s) = q.body else { panic!() };
        let names: Vec<_> = s
            .items
            .iter()
            .map(|i| match i {
                SelectItem::Expr {
                    expr:
                        Expr {
                            kind: ExprKind::Column(c),
                            ..
                        },
                    ..
                } => c.join("."),
                _ => String::new(),
            })
            .collect();
        assert_eq!(names, ["name", "Mixed"]);
    }
}

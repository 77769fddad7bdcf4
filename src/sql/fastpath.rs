//! A hand-written parser for the few statement shapes that dominate workloads — single- and
//! multi-row `INSERT … VALUES` of literals, `SELECT * | count(*) | columns FROM t
//! [WHERE col op literal]`, `UPDATE t SET col = literal, … [WHERE …]`, `DELETE FROM t
//! [WHERE …]`, `RETURNING columns` after the last three, and the bare `BEGIN`, `COMMIT` and
//! `ROLLBACK` — producing exactly the AST the pest grammar would. Columns may be qualified
//! (`t.col`): these are the statements Alembic sends on every migration command
//! (`SELECT alembic_version.version_num FROM alembic_version`, `UPDATE alembic_version SET
//! version_num='…' WHERE alembic_version.version_num = '…'`, `INSERT … RETURNING …`).
//!
//! Invariant: it either recognises the whole statement or returns `None`, and the pest parser
//! then decides (including every syntax error). It never reports errors itself.

use super::ast::*;

#[derive(Clone, Debug, PartialEq)]
enum Tok<'a> {
    Word(&'a str),
    Str(String),
    Num(&'a str),
    Sym(&'a str),
}

/// Words the grammar refuses as bare identifiers (kept in step with `reserved` in grammar.pest),
/// sorted for binary search.
pub(super) const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// For each letter, the range of [`RESERVED`] starting with it (built at compile time).
const RESERVED_BY_LETTER: [(u8, u8); 26] = {
    let mut ranges = [(0u8, 0u8); 26];
    let mut i = 0;
    while i < RESERVED.len() {
        let letter = (RESERVED[i].as_bytes()[0] - b'a') as usize;
        if ranges[letter].1 == 0 {
            ranges[letter].0 = i as u8;
        }
        ranges[letter].1 = i as u8 + 1;
        i += 1;
    }
    ranges
};

/// True when `word` (in any case) is in [`RESERVED`]: only the reserved words of its first
/// letter and length are compared, and the word is not folded into a new string.
pub(super) fn is_reserved(word: &str) -> bool {
    let Some(first) = word.as_bytes().first().map(u8::to_ascii_lowercase) else {
        return false;
    };
    if !first.is_ascii_lowercase() {
        return false;
    }
    let (from, to) = RESERVED_BY_LETTER[usize::from(first - b'a')];
    RESERVED[usize::from(from)..usize::from(to)]
        .iter()
        .any(|r| r.len() == word.len() && r.eq_ignore_ascii_case(word))
}

fn lex(sql: &str) -> Option<Vec<(Tok<'_>, usize)>> {
    let b = sql.as_bytes();
    // Room for a typical single-row INSERT's tokens without regrowing.
    let mut out = Vec::with_capacity(32);
    let mut i = 0;
    // Operator characters, counted as the parser's prescan counts them: past its limit the
    // statement is left to the full parser, which refuses it.
    let mut operators = 0;
    while i < b.len() {
        let c = b[i];
        if matches!(c, b'*' | b'=' | b'<' | b'>' | b'-') {
            operators += 1;
            if operators > super::parser::MAX_OPERATORS {
                return None;
            }
        }
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'$' || b[i] >= 0x80 || b[i] == b'\'') {
                    return None;
                }
                out.push((Tok::Word(&sql[start..i]), start));
            }
            b'0'..=b'9' => {
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                if i < b.len() && b[i] == b'.' {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                if i < b.len()
                    && (b[i].is_ascii_alphabetic() || b[i] == b'_' || b[i] == b'.' || b[i] >= 0x80)
                {
                    return None;
                }
                out.push((Tok::Num(&sql[start..i]), start));
            }
            b'\'' => {
                let start = i;
                i += 1;
                let mut s = String::new();
                let mut seg = i;
                loop {
                    if i >= b.len() {
                        return None;
                    }
                    if b[i] == b'\'' {
                        s.push_str(&sql[seg..i]);
                        if i + 1 < b.len() && b[i + 1] == b'\'' {
                            s.push('\'');
                            i += 2;
                            seg = i;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    if b[i] == b'\n' {
                        // Adjacent-literal continuation rules: leave to the grammar.
                        return None;
                    }
                    i += 1;
                }
                out.push((Tok::Str(s), start));
            }
            b'(' | b')' | b',' | b';' | b'*' | b'.' => {
                out.push((Tok::Sym(&sql[i..i + 1]), i));
                i += 1;
            }
            b'=' => {
                out.push((Tok::Sym("="), i));
                i += 1;
            }
            b'<' | b'>' => {
                let start = i;
                i += 1;
                if i < b.len() && (b[i] == b'=' || (c == b'<' && b[i] == b'>')) {
                    i += 1;
                }
                if i < b.len() && b"+-*/<>=~!@#%^&|`?".contains(&b[i]) {
                    return None;
                }
                out.push((Tok::Sym(&sql[start..i]), start));
            }
            b'-' => {
                if i + 1 < b.len() && (b[i + 1] == b'-' || !b[i + 1].is_ascii_digit()) {
                    return None;
                }
                out.push((Tok::Sym("-"), i));
                i += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Cursor<'a> {
    toks: Vec<(Tok<'a>, usize)>,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<&Tok<'a>> {
        self.toks.get(self.i).map(|(t, _)| t)
    }
    fn pos(&self) -> usize {
        self.toks.get(self.i).map_or(0, |(_, p)| *p)
    }
    fn keyword(&mut self, kw: &str) -> Option<()> {
        match self.peek() {
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw) => {
                self.i += 1;
                Some(())
            }
            _ => None,
        }
    }
    fn is_keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }
    fn sym(&mut self, s: &str) -> Option<()> {
        match self.peek() {
            Some(Tok::Sym(x)) if *x == s => {
                self.i += 1;
                Some(())
            }
            _ => None,
        }
    }
    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }
    fn ident(&mut self) -> Option<(String, usize)> {
        let pos = self.pos();
        match self.peek() {
            Some(Tok::Word(w)) => {
                if is_reserved(w) {
                    return None;
                }
                let folded = w.to_ascii_lowercase();
                self.i += 1;
                Some((folded, pos))
            }
            _ => None,
        }
    }
    fn object_name(&mut self) -> Option<ObjectName> {
        let (first, pos) = self.ident()?;
        if self.is_sym(".") {
            self.i += 1;
            let (name, npos) = self.ident()?;
            return Some(ObjectName {
                schema: Some(first),
                name,
                pos: npos,
            });
        }
        Some(ObjectName {
            schema: None,
            name: first,
            pos,
        })
    }
    fn literal(&mut self) -> Option<Expr> {
        let pos = self.pos();
        // A string token is moved out, not cloned: the cursor never reads a token twice, and
        // a statement it gives up on is parsed again from the text by the grammar.
        let tok = match &mut self.toks.get_mut(self.i)?.0 {
            Tok::Str(s) => Tok::Str(std::mem::take(s)),
            other => other.clone(),
        };
        let kind = match tok {
            Tok::Str(s) => Literal::String(s),
            Tok::Num(n) => number(n),
            Tok::Sym("-") => {
                self.i += 1;
                match self.peek()? {
                    Tok::Num(n) => match number(n) {
                        Literal::Integer(s) => Literal::Integer(format!("-{s}")),
                        Literal::Decimal(s) => Literal::Decimal(format!("-{s}")),
                        other => other,
                    },
                    _ => return None,
                }
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("null") => Literal::Null,
            Tok::Word(w) if w.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Tok::Word(w) if w.eq_ignore_ascii_case("false") => Literal::Bool(false),
            _ => return None,
        };
        self.i += 1;
        Some(Expr {
            kind: ExprKind::Literal(kind),
            pos,
        })
    }
    /// One or more items read by `item`, separated by commas. Inlined: it sits on every
    /// fast-path INSERT, and a size-optimised build would otherwise call each item through it.
    #[inline(always)]
    fn comma_list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        // Not `vec![first]`: that holds exactly one, and the second item would reallocate.
        let mut items = Vec::new();
        loop {
            items.push(item(self)?);
            if !self.is_sym(",") {
                return Some(items);
            }
            self.i += 1;
        }
    }
    /// Accepts an optional `;` and the end of input.
    fn end(&mut self) -> Option<()> {
        if self.is_sym(";") {
            self.i += 1;
        }
        (self.i == self.toks.len()).then_some(())
    }
}

fn number(n: &str) -> Literal {
    if n.contains('.') {
        Literal::Decimal(n.to_string())
    } else {
        Literal::Integer(n.to_string())
    }
}

/// Parses the statement if it has one of the recognised shapes.
pub fn parse(sql: &str) -> Option<Statement> {
    let toks = lex(sql)?;
    let mut c = Cursor { toks, i: 0 };
    if c.is_keyword("insert") {
        insert(&mut c)
    } else if c.is_keyword("select") {
        select(&mut c)
    } else if c.is_keyword("update") {
        update(&mut c)
    } else if c.is_keyword("delete") {
        delete(&mut c)
    } else {
        transaction(&mut c)
    }
}

/// `UPDATE t SET col = literal | DEFAULT, … [WHERE …] [RETURNING …]`.
fn update(c: &mut Cursor) -> Option<Statement> {
    c.keyword("update")?;
    let table = c.object_name()?;
    c.keyword("set")?;
    let assignments = c.comma_list(|c| {
        let (column, pos) = c.ident()?;
        c.sym("=")?;
        let value = if c.is_keyword("default") {
            c.i += 1;
            None
        } else {
            Some(c.literal()?)
        };
        Some(Assignment { column, pos, value })
    })?;
    let where_ = where_clause(c)?;
    let returning = returning(c)?;
    c.end()?;
    Some(Statement::Update(Box::new(Update {
        table,
        alias: None,
        assignments,
        from: Vec::new(),
        where_,
        returning,
    })))
}

/// `DELETE FROM t [WHERE …] [RETURNING …]`.
fn delete(c: &mut Cursor) -> Option<Statement> {
    c.keyword("delete")?;
    c.keyword("from")?;
    let table = c.object_name()?;
    let where_ = where_clause(c)?;
    let returning = returning(c)?;
    c.end()?;
    Some(Statement::Delete(Box::new(Delete {
        table,
        alias: None,
        where_,
        returning,
    })))
}

/// An optional `WHERE column op literal`; `None` when a WHERE of another shape follows.
fn where_clause(c: &mut Cursor) -> Option<Option<Expr>> {
    if !c.is_keyword("where") {
        return Some(None);
    }
    c.i += 1;
    let lhs = column_ref(c)?;
    let op_pos = c.pos();
    let op = match c.peek()? {
        Tok::Sym("=") => BinOp::Eq,
        Tok::Sym("<>") => BinOp::NotEq,
        Tok::Sym("<") => BinOp::Lt,
        Tok::Sym("<=") => BinOp::LtEq,
        Tok::Sym(">") => BinOp::Gt,
        Tok::Sym(">=") => BinOp::GtEq,
        _ => return None,
    };
    c.i += 1;
    let rhs = c.literal()?;
    Some(Some(Expr {
        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
        pos: op_pos,
    }))
}

/// An optional `RETURNING column, …` (no aliases, stars or expressions).
fn returning(c: &mut Cursor) -> Option<Vec<SelectItem>> {
    if !c.is_keyword("returning") {
        return Some(Vec::new());
    }
    c.i += 1;
    c.comma_list(column_item)
}

/// `BEGIN`, `COMMIT` or `ROLLBACK`, each with an optional `WORK` or `TRANSACTION` and nothing
/// else (transaction modes, `AND CHAIN` and `ROLLBACK TO` are left to the grammar).
fn transaction(c: &mut Cursor) -> Option<Statement> {
    let stmt = if c.is_keyword("begin") {
        Statement::Begin { tag: "BEGIN" }
    } else if c.is_keyword("commit") {
        Statement::Commit { chain: false }
    } else if c.is_keyword("rollback") {
        Statement::Rollback { chain: false }
    } else {
        return None;
    };
    c.i += 1;
    if c.is_keyword("work") || c.is_keyword("transaction") {
        c.i += 1;
    }
    c.end()?;
    Some(stmt)
}

/// A select-list or RETURNING item that is a bare column reference.
fn column_item(c: &mut Cursor) -> Option<SelectItem> {
    Some(SelectItem::Expr {
        expr: column_ref(c)?,
        alias: None,
    })
}

/// A column reference: `col` or `table.col` (the grammar's three-part names are left to it).
fn column_ref(c: &mut Cursor) -> Option<Expr> {
    let (first, pos) = c.ident()?;
    let mut parts = vec![first];
    if c.is_sym(".") {
        c.i += 1;
        parts.push(c.ident()?.0);
        if c.is_sym(".") {
            return None;
        }
    }
    Some(Expr {
        kind: ExprKind::Column(parts),
        pos,
    })
}

fn insert(c: &mut Cursor) -> Option<Statement> {
    c.keyword("insert")?;
    c.keyword("into")?;
    let table = c.object_name()?;
    let mut columns = Vec::new();
    if c.is_sym("(") {
        c.i += 1;
        columns = c.comma_list(Cursor::ident)?;
        c.sym(")")?;
    }
    c.keyword("values")?;
    let rows = c.comma_list(|c| {
        c.sym("(")?;
        let row = c.comma_list(|c| {
            if c.is_keyword("default") {
                c.i += 1;
                Some(InsertValue::Default)
            } else {
                Some(InsertValue::Expr(c.literal()?))
            }
        })?;
        c.sym(")")?;
        Some(row)
    })?;
    let returning = returning(c)?;
    c.end()?;
    Some(Statement::Insert(Box::new(Insert {
        table,
        alias: None,
        columns,
        source: InsertSource::Values(rows),
        on_conflict: None,
        returning,
    })))
}

fn select(c: &mut Cursor) -> Option<Statement> {
    c.keyword("select")?;
    let mut items = Vec::new();
    if c.is_sym("*") {
        items.push(SelectItem::Wildcard(c.pos()));
        c.i += 1;
    } else if c.is_keyword("count") && matches!(c.toks.get(c.i + 1), Some((Tok::Sym("("), _))) {
        let pos = c.pos();
        c.i += 1;
        c.sym("(")?;
        c.sym("*")?;
        c.sym(")")?;
        items.push(SelectItem::Expr {
            expr: Expr {
                kind: ExprKind::Function {
                    name: "count".into(),
                    args: Vec::new(),
                    distinct: false,
                    star: true,
                },
                pos,
            },
            alias: None,
        });
    } else {
        items = c.comma_list(column_item)?;
    }
    c.keyword("from")?;
    let name = c.object_name()?;
    let where_ = where_clause(c)?;
    c.end()?;
    let select = Select {
        distinct: false,
        items,
        from: vec![TableRef::Table { name, alias: None }],
        where_,
        group_by: Vec::new(),
        having: None,
    };
    Some(Statement::Select(Box::new(Query {
        body: SetExpr::Select(Box::new(select)),
        order_by: Vec::new(),
        limit: None,
        offset: None,
    })))
}

#[cfg(test)]
mod tests {
    use super::RESERVED;

    #[test]
    fn the_statements_alembic_sends_take_the_fast_path() {
        for sql in [
            "BEGIN",
            "COMMIT",
            "ROLLBACK",
            "SELECT alembic_version.version_num FROM alembic_version",
            "INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num",
            "UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1'",
            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'a1'",
            "DELETE FROM alembic_version",
        ] {
            assert!(super::parse(sql).is_some(), "{sql}");
        }
    }

    #[test]
    fn reserved_words_are_found_in_any_case_and_nothing_else() {
        for r in RESERVED {
            assert!(super::is_reserved(r) && super::is_reserved(&r.to_ascii_uppercase()));
            for near in [format!("{r}s"), r[1..].to_string()] {
                assert_eq!(super::is_reserved(&near), RESERVED.contains(&near.as_str()));
            }
        }
        assert!(
            !super::is_reserved("") && !super::is_reserved("users") && !super::is_reserved("ñ")
        );
    }

    #[test]
    fn more_operators_than_the_parser_allows_are_left_to_it() {
        let values = |n: usize| vec!["(-1)"; n].join(", ");
        let sql = |n: usize| format!("INSERT INTO t (a) VALUES {}", values(n));
        assert!(super::parse(&sql(1000)).is_some());
        assert!(super::parse(&sql(1001)).is_none());
        let err = crate::sql::parser::parse(&sql(1001)).unwrap_err();
        assert_eq!(err.code(), "54001");
    }

    #[test]
    fn reserved_words_are_sorted_for_binary_search() {
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]));
    }
}

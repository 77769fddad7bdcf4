//! Expression binding: resolves column references through the FROM scopes, types every
//! operator, cast and function as PostgreSQL's parse analysis does, and collects aggregates.
//!
//! Invariant: a bound expression ([`BExpr`]) is fully typed; literals are already converted
//! to the type their context demands, so their errors (22P02, 22001…) arise here, before any
//! row is read.

use super::ast::*;
use super::catalog::{Relation, SeqId};
use super::error::{SqlError, SqlState};
use super::numeric::Decimal;
use super::plan::*;
use super::types::{cast_value, parse_input, Category, SqlType, Value};

type R<T> = Result<T, SqlError>;

impl<'a> Planner<'a> {
    // ----- expressions -----

    /// Binds a condition that must be boolean (`WHERE`, `HAVING`, `ON`, `CHECK`).
    pub fn bind_condition(&mut self, e: &Expr, clause: &str) -> R<BExpr> {
        let t = self.bind(e)?;
        match t.ty {
            SqlType::Bool => Ok(t.expr),
            SqlType::Unknown => Ok(coerce_to(t, &SqlType::Bool)?.expr),
            ref other => {
                Err(SqlError::argument_must_be_boolean(clause, other.base_name()).at(at(e.pos)))
            }
        }
    }

    /// Binds an expression against a single table's scope (CHECK, DEFAULT, RETURNING, SET).
    pub fn bind_in_scope(&mut self, scope: Scope, e: &Expr) -> R<Typed> {
        self.scopes.push(scope);
        let saved = std::mem::replace(&mut self.agg_mode, AggMode::Disallowed("this context"));
        let r = self.bind(e);
        self.agg_mode = saved;
        self.scopes.pop();
        r
    }

    /// Binds a boolean condition against a scope.
    pub fn bind_condition_in_scope(
        &mut self,
        scope: Scope,
        e: &Expr,
        clause: &str,
        agg_clause: &'static str,
    ) -> R<BExpr> {
        self.scopes.push(scope);
        let saved = std::mem::replace(&mut self.agg_mode, AggMode::Disallowed(agg_clause));
        let r = self.bind_condition(e, clause);
        self.agg_mode = saved;
        self.scopes.pop();
        r
    }

    fn resolve_column(&self, parts: &[String], pos: usize) -> R<Typed> {
        let levels = self.scopes.len();
        match parts {
            [name] => {
                for (lvl, scope) in self.scopes.iter().rev().enumerate() {
                    let mut found: Option<(usize, SqlType)> = None;
                    for e in &scope.entries {
                        if let Some(i) = e
                            .columns
                            .iter()
                            .enumerate()
                            .position(|(i, (n, _))| n == name && !e.merged.contains(&i))
                        {
                            if found.is_some() {
                                return Err(SqlError::ambiguous_column(name).at(at(pos)));
                            }
                            found = Some((e.offset + i, e.columns[i].1.clone()));
                        }
                    }
                    if let Some((idx, ty)) = found {
                        let expr = if lvl == 0 {
                            BExpr::Col(idx)
                        } else {
                            BExpr::Outer(lvl, idx)
                        };
                        return Ok(Typed::new(expr, ty));
                    }
                }
                let _ = levels;
                Err(self.column_not_found(None, name).at(at(pos)))
            }
            [table, name] | [_, table, name] => {
                for (lvl, scope) in self.scopes.iter().rev().enumerate() {
                    if let Some(e) = scope.entries.iter().find(|e| e.name == *table) {
                        return match e.columns.iter().position(|(n, _)| n == name) {
                            Some(i) => {
                                let idx = e.offset + i;
                                let expr = if lvl == 0 {
                                    BExpr::Col(idx)
                                } else {
                                    BExpr::Outer(lvl, idx)
                                };
                                Ok(Typed::new(expr, e.columns[i].1.clone()))
                            }
                            None => Err(self.column_not_found(Some(table), name).at(at(pos))),
                        };
                    }
                }
                Err(self.missing_table_error(table).at(at(pos)))
            }
            _ => Err(SqlError::syntax(format!(
                "improper qualified name (too many dotted names): {}",
                parts.join(".")
            ))
            .at(at(pos))),
        }
    }

    fn column_not_found(&self, table: Option<&str>, name: &str) -> SqlError {
        let err = match table {
            Some(t) => SqlError::undefined_qualified_column(t, name),
            None => SqlError::undefined_column(name),
        };
        // PostgreSQL's fuzzy match over the visible FROM items.
        let mut best = 4usize;
        let mut first: Option<String> = None;
        let mut second: Option<String> = None;
        let maxd = name.chars().count() / 2;
        for scope in self.scopes.iter().rev() {
            for e in &scope.entries {
                if let Some(t) = table {
                    if e.name != t {
                        continue;
                    }
                }
                for (c, _) in &e.columns {
                    let d = levenshtein(name, c);
                    if d > maxd {
                        continue;
                    }
                    let label = format!("{}.{}", e.name, c);
                    if d < best {
                        best = d;
                        first = Some(label);
                        second = None;
                    } else if d == best && first.is_some() {
                        if second.is_some() {
                            best = d.saturating_sub(1);
                            first = None;
                            second = None;
                        } else {
                            second = Some(label);
                        }
                    }
                }
            }
        }
        match (first, second) {
            (Some(a), None) => err.with_hint(format!(
                "Perhaps you meant to reference the column \"{a}\"."
            )),
            (Some(a), Some(b)) => err.with_hint(format!(
                "Perhaps you meant to reference the column \"{a}\" or the column \"{b}\"."
            )),
            _ => err,
        }
    }

    /// Binds an expression in the current scopes.
    pub fn bind(&mut self, e: &Expr) -> R<Typed> {
        self.depth += 1;
        if self.depth > 400 {
            self.depth -= 1;
            return Err(SqlError::stack_depth_exceeded());
        }
        if let Err(err) = super::stack::check() {
            self.depth -= 1;
            return Err(err);
        }
        let r = self.bind_inner(e);
        self.depth -= 1;
        r.map_err(|err| err.at(at(e.pos)))
    }

    fn bind_inner(&mut self, e: &Expr) -> R<Typed> {
        // A small dispatcher keeps each recursion step's stack frame small: long operator
        // chains recurse through here.
        match &e.kind {
            ExprKind::Binary(..)
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::IsNull(..)
            | ExprKind::IsBool(..)
            | ExprKind::IsDistinct(..) => self.bind_basic(e),
            _ => self.bind_other(e),
        }
    }

    fn bind_basic(&mut self, e: &Expr) -> R<Typed> {
        Ok(match &e.kind {
            ExprKind::Binary(..) => {
                // Walk the left spine iteratively: `a + b + c + …` nests to the left, and
                // recursing down it would make stack use grow with the chain's length.
                let mut spine: Vec<&Expr> = Vec::new();
                let mut leftmost = e;
                while let ExprKind::Binary(_, l, _) = &leftmost.kind {
                    spine.push(leftmost);
                    leftmost = l;
                }
                let mut acc = self.bind(leftmost)?;
                let mut acc_pos = leftmost.pos;
                for node in spine.into_iter().rev() {
                    let ExprKind::Binary(op, _, r) = &node.kind else {
                        continue;
                    };
                    acc = self.bind_binary_step(*op, acc, acc_pos, r, node.pos)?;
                    acc_pos = node.pos;
                }
                acc
            }
            ExprKind::Not(x) => {
                let t = self.bind(x)?;
                let b = self.to_bool(t, "NOT", x.pos)?;
                Typed::new(BExpr::Not(Box::new(b)), SqlType::Bool)
            }
            ExprKind::Neg(x) => {
                let t = self.bind(x)?;
                if t.ty == SqlType::Unknown {
                    return Err(ambiguous_operator("- unknown").at(at(e.pos)));
                }
                if t.ty.category() != Category::Numeric {
                    return Err(
                        SqlError::undefined_operator(None, "-", t.ty.base_name()).at(at(e.pos))
                    );
                }
                let ty = t.ty.without_modifier();
                Typed::new(BExpr::Neg(Box::new(t.expr), ty.clone()), ty)
            }
            ExprKind::IsNull(x, neg) => {
                let t = self.bind(x)?;
                Typed::new(BExpr::IsNull(Box::new(t.expr), *neg), SqlType::Bool)
            }
            ExprKind::IsBool(x, v, neg) => {
                let t = self.bind(x)?;
                let b = self.to_bool(t, "IS TRUE", x.pos)?;
                Typed::new(BExpr::IsBool(Box::new(b), *v, *neg), SqlType::Bool)
            }
            ExprKind::IsDistinct(a, b, distinct) => {
                let at_ = self.bind(a)?;
                let bt = self.bind(b)?;
                let cmp = self.bind_binary_typed(BinOp::Eq, at_, bt, e.pos)?;
                let BExpr::Cmp(_, l, r) = cmp.expr else {
                    return Err(SqlError::internal("distinct"));
                };
                Typed::new(BExpr::IsDistinct(l, r, *distinct), SqlType::Bool)
            }
            _ => return Err(SqlError::internal("bind_basic")),
        })
    }

    fn bind_binary_step(
        &mut self,
        op: BinOp,
        lt: Typed,
        l_pos: usize,
        r: &Expr,
        pos: usize,
    ) -> R<Typed> {
        match op {
            BinOp::And | BinOp::Or => {
                let word = if op == BinOp::And { "AND" } else { "OR" };
                let lt = self.to_bool(lt, word, l_pos)?;
                let rt = self.bind(r)?;
                let rt = self.to_bool(rt, word, r.pos)?;
                let ex = if op == BinOp::And {
                    BExpr::And(Box::new(lt), Box::new(rt))
                } else {
                    BExpr::Or(Box::new(lt), Box::new(rt))
                };
                Ok(Typed::new(ex, SqlType::Bool))
            }
            _ => {
                let rt = self.bind(r)?;
                self.bind_binary_typed(op, lt, rt, pos)
            }
        }
    }

    fn bind_other(&mut self, e: &Expr) -> R<Typed> {
        Ok(match &e.kind {
            ExprKind::Literal(Literal::String(s)) => {
                Typed::new(BExpr::Const(Value::Text(s.clone())), SqlType::Unknown)
            }
            ExprKind::Literal(l) => bind_scalar_literal(l)?,
            ExprKind::Column(parts) => self.resolve_column(parts, e.pos)?,
            ExprKind::Between(x, lo, hi, neg) => {
                let xt = self.bind(x)?;
                let lot = self.bind(lo)?;
                let hit = self.bind(hi)?;
                let ge = self.bind_binary_typed(BinOp::GtEq, xt.clone(), lot, e.pos)?;
                let le = self.bind_binary_typed(BinOp::LtEq, xt, hit, e.pos)?;
                let both = BExpr::And(Box::new(ge.expr), Box::new(le.expr));
                Typed::new(
                    if *neg {
                        BExpr::Not(Box::new(both))
                    } else {
                        both
                    },
                    SqlType::Bool,
                )
            }
            ExprKind::InList(x, list, neg) => {
                let xt = self.bind(x)?;
                let mut items = Vec::new();
                let mut ty = xt.ty.clone();
                let mut bound = Vec::new();
                for i in list {
                    let t = self.bind(i)?;
                    ty = common_type(&ty, &t.ty).ok_or_else(|| {
                        SqlError::undefined_operator(Some(xt.ty.base_name()), "=", t.ty.base_name())
                            .at(at(i.pos))
                    })?;
                    bound.push(t);
                }
                if ty == SqlType::Unknown {
                    ty = SqlType::Text;
                }
                let xt = unpad(coerce_to(xt, &ty)?);
                for t in bound {
                    let pos = e.pos;
                    let c = coerce_to(t, &ty).map_err(|er| er.at(at(pos)))?;
                    items.push(unpad(c).expr);
                }
                Typed::new(BExpr::InList(Box::new(xt.expr), items, *neg), SqlType::Bool)
            }
            ExprKind::InSubquery(x, q, neg) => {
                let xt = self.bind(x)?;
                let plan = self.plan_query(q)?;
                if plan.columns.len() != 1 {
                    return Err(SqlError::subquery_one_column());
                }
                let st = plan.columns[0].ty.clone();
                let ty = common_type(&xt.ty, &st).ok_or_else(|| {
                    SqlError::undefined_operator(Some(xt.ty.base_name()), "=", st.base_name())
                })?;
                let xt = coerce_to(xt, &ty)?;
                Typed::new(
                    BExpr::InSub(Box::new(unpad(xt).expr), Box::new(plan), *neg),
                    SqlType::Bool,
                )
            }
            ExprKind::Exists(q, neg) => {
                let plan = self.plan_query(q)?;
                Typed::new(BExpr::Exists(Box::new(plan), *neg), SqlType::Bool)
            }
            ExprKind::Subquery(q) => {
                let plan = self.plan_query(q)?;
                if plan.columns.len() != 1 {
                    return Err(SqlError::subquery_one_column());
                }
                let ty = plan.columns[0].ty.clone();
                Typed::new(BExpr::Scalar(Box::new(plan)), ty)
            }
            ExprKind::Like {
                expr,
                pattern,
                negated,
                case_insensitive,
                escape,
            } => {
                let xt = self.bind(expr)?;
                let pt = self.bind(pattern)?;
                let op = if *case_insensitive { "~~*" } else { "~~" };
                let op = if *negated {
                    if *case_insensitive {
                        "!~~*"
                    } else {
                        "!~~"
                    }
                } else {
                    op
                };
                let is_str =
                    |t: &SqlType| matches!(t.category(), Category::String | Category::Unknown);
                if !is_str(&xt.ty) || !is_str(&pt.ty) {
                    return Err(SqlError::undefined_operator(
                        Some(xt.ty.base_name()),
                        op,
                        pt.ty.base_name(),
                    )
                    .at(at(e.pos)));
                }
                let xt = unpad(coerce_to(xt, &SqlType::Text)?);
                let pt = coerce_to(pt, &SqlType::Text)?;
                let esc = match escape {
                    Some(x) => Some(Box::new(coerce_to(self.bind(x)?, &SqlType::Text)?.expr)),
                    None => None,
                };
                Typed::new(
                    BExpr::Like {
                        expr: Box::new(xt.expr),
                        pattern: Box::new(pt.expr),
                        negated: *negated,
                        ci: *case_insensitive,
                        escape: esc,
                    },
                    SqlType::Bool,
                )
            }
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => self.bind_case(operand.as_deref(), whens, else_.as_deref())?,
            ExprKind::Cast(x, tn) => {
                let to = resolve_type(tn)?;
                let t = self.bind(x)?;
                self.bind_cast(t, to, e.pos)?
            }
            ExprKind::Function {
                name,
                args,
                distinct,
                star,
            } => self.bind_function(name, args, *distinct, *star, e.pos)?,
            ExprKind::AggOrder(call, order) => self.bind_ordered_aggregate(call, order)?,
            ExprKind::Special(s) => {
                // SQL's functions written without parentheses: one function, one type each.
                let (func, ty) = match s.as_str() {
                    "current_timestamp" => (Func::Now, SqlType::TimestampTz),
                    "localtimestamp" => (Func::LocalTimestamp, SqlType::Timestamp),
                    "current_date" => (Func::CurrentDate, SqlType::Date),
                    "current_schema" => (Func::CurrentSchema, SqlType::Text),
                    "current_catalog" => (Func::CurrentDatabase, SqlType::Text),
                    _ => (Func::CurrentUser, SqlType::Text),
                };
                Typed::new(BExpr::Func(func, vec![], ty.clone()), ty)
            }
            ExprKind::Row(_) => {
                return Err(SqlError::not_supported("row constructors").at(at(e.pos)))
            }
            _ => return Err(SqlError::internal("bind_other")),
        })
    }

    fn to_bool(&self, t: Typed, word: &str, pos: usize) -> R<BExpr> {
        match t.ty {
            SqlType::Bool => Ok(t.expr),
            SqlType::Unknown => Ok(coerce_to(t, &SqlType::Bool)?.expr),
            ref other => {
                Err(SqlError::argument_must_be_boolean(word, other.base_name()).at(at(pos)))
            }
        }
    }

    fn bind_cast(&mut self, t: Typed, to: SqlType, pos: usize) -> R<Typed> {
        if to == SqlType::Regclass {
            return Ok(Typed::new(t.expr, SqlType::Regclass));
        }
        if !to.castable_from(&t.ty) {
            return Err(SqlError::cannot_cast(t.ty.base_name(), &to.display()).at(at(pos)));
        }
        if let BExpr::Const(v) = &t.expr {
            let v = match (&t.ty, v) {
                (SqlType::Unknown, Value::Text(s)) => {
                    let base = parse_input(s, &to.without_modifier_keep_char())?;
                    super::types::apply_modifier(base, &to, true)?
                }
                (_, v) => cast_value(v.clone(), &t.ty, &to, true)?,
            };
            return Ok(Typed::new(BExpr::Const(v), to));
        }
        Ok(Typed::new(
            BExpr::Cast {
                expr: Box::new(t.expr),
                from: t.ty,
                to: to.clone(),
                explicit: true,
            },
            to,
        ))
    }

    /// Binds `l op r` with PostgreSQL's operator resolution.
    pub fn bind_binary_typed(&mut self, op: BinOp, l: Typed, r: Typed, pos: usize) -> R<Typed> {
        let undefined = |l: &SqlType, r: &SqlType| {
            SqlError::undefined_operator(Some(l.base_name()), op.symbol(), r.base_name())
                .at(at(pos))
        };
        match op {
            BinOp::Eq | BinOp::NotEq | BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq => {
                let ty = match (&l.ty, &r.ty) {
                    (SqlType::Unknown, SqlType::Unknown) => SqlType::Text,
                    (a, b) => {
                        let ok = a == b
                            || *a == SqlType::Unknown
                            || *b == SqlType::Unknown
                            || a.category() == b.category() && a.category() != Category::Other
                            || matches!(
                                (a, b),
                                (SqlType::Jsonb, SqlType::Json) | (SqlType::Json, SqlType::Jsonb)
                            );
                        if !ok {
                            return Err(undefined(a, b));
                        }
                        common_type(a, b).ok_or_else(|| undefined(a, b))?
                    }
                };
                // char(n) against varchar compares as bpchar: trailing blanks ignored on both sides.
                let bpchar = matches!(
                    (&l.ty, &r.ty),
                    (SqlType::Char(_), SqlType::Varchar(_))
                        | (SqlType::Varchar(_), SqlType::Char(_))
                );
                let trim = |t: Typed| {
                    if bpchar && matches!(t.ty, SqlType::Varchar(_)) {
                        Typed::new(
                            BExpr::Cast {
                                expr: Box::new(t.expr),
                                from: SqlType::Char(0),
                                to: SqlType::Text,
                                explicit: false,
                            },
                            SqlType::Text,
                        )
                    } else {
                        t
                    }
                };
                let l = if bpchar {
                    trim(unpad(l))
                } else {
                    unpad(coerce_to(l, &ty)?)
                };
                let r = if bpchar {
                    trim(unpad(r))
                } else {
                    unpad(coerce_to(r, &ty)?)
                };
                Ok(Typed::new(
                    BExpr::Cmp(op, Box::new(l.expr), Box::new(r.expr)),
                    SqlType::Bool,
                ))
            }
            BinOp::Concat => {
                let ls = matches!(l.ty.category(), Category::String | Category::Unknown);
                let rs = matches!(r.ty.category(), Category::String | Category::Unknown);
                if l.ty == SqlType::Jsonb && r.ty == SqlType::Jsonb {
                    return Err(SqlError::not_supported("jsonb concatenation").at(at(pos)));
                }
                if !ls && !rs {
                    return Err(undefined(&l.ty, &r.ty));
                }
                let lt = self.bind_cast(unpad(l), SqlType::Text, pos)?;
                let rt = self.bind_cast(unpad(r), SqlType::Text, pos)?;
                Ok(Typed::new(
                    BExpr::Concat(Box::new(lt.expr), Box::new(rt.expr)),
                    SqlType::Text,
                ))
            }
            BinOp::JsonGet | BinOp::JsonGetText => {
                let l = if l.ty == SqlType::Unknown {
                    coerce_to(l, &SqlType::Jsonb)?
                } else {
                    l
                };
                if !matches!(l.ty, SqlType::Jsonb | SqlType::Json) {
                    return Err(undefined(&l.ty, &r.ty));
                }
                let r = match r.ty.category() {
                    Category::Unknown => coerce_to(r, &SqlType::Text)?,
                    Category::String | Category::Numeric
                        if r.ty.is_integer() || r.ty.category() == Category::String =>
                    {
                        r
                    }
                    _ => return Err(undefined(&l.ty, &r.ty)),
                };
                let text = op == BinOp::JsonGetText;
                let ty = if text { SqlType::Text } else { SqlType::Jsonb };
                Ok(Typed::new(
                    BExpr::JsonGet(Box::new(l.expr), Box::new(r.expr), text),
                    ty,
                ))
            }
            BinOp::JsonContains | BinOp::JsonHasKey => {
                let l = if l.ty == SqlType::Unknown {
                    coerce_to(l, &SqlType::Jsonb)?
                } else {
                    l
                };
                let r = if r.ty == SqlType::Unknown {
                    coerce_to(r, &SqlType::Jsonb)?
                } else {
                    r
                };
                if l.ty != SqlType::Jsonb || r.ty != SqlType::Jsonb {
                    return Err(undefined(&l.ty, &r.ty));
                }
                Ok(Typed::new(
                    BExpr::JsonContains(Box::new(l.expr), Box::new(r.expr)),
                    SqlType::Bool,
                ))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow => {
                // Date arithmetic.
                match (&l.ty, &r.ty, op) {
                    (SqlType::Date, t, BinOp::Add) | (SqlType::Date, t, BinOp::Sub)
                        if t.is_integer() =>
                    {
                        let r = coerce_to(r, &SqlType::Int4)?;
                        let a = if op == BinOp::Add {
                            Arith::DateAdd
                        } else {
                            Arith::DateSub
                        };
                        return Ok(Typed::new(
                            BExpr::Arith(a, Box::new(l.expr), Box::new(r.expr), SqlType::Date),
                            SqlType::Date,
                        ));
                    }
                    // With one unknown operand PostgreSQL first tries the other operand's
                    // type on both sides: date - date exists, date + date does not and
                    // several `+` operators take a date.
                    (SqlType::Date, SqlType::Unknown, BinOp::Add)
                    | (SqlType::Unknown, SqlType::Date, BinOp::Add) => {
                        return Err(ambiguous_operator(&format!(
                            "{} + {}",
                            l.ty.base_name(),
                            r.ty.base_name()
                        ))
                        .at(at(pos)));
                    }
                    (SqlType::Date, SqlType::Unknown, BinOp::Sub)
                    | (SqlType::Unknown, SqlType::Date, BinOp::Sub) => {
                        let l = coerce_to(l, &SqlType::Date)?;
                        let r = coerce_to(r, &SqlType::Date)?;
                        return Ok(Typed::new(
                            BExpr::Arith(
                                Arith::DateDiff,
                                Box::new(l.expr),
                                Box::new(r.expr),
                                SqlType::Int4,
                            ),
                            SqlType::Int4,
                        ));
                    }
                    (t, SqlType::Date, BinOp::Add) if t.is_integer() => {
                        return Ok(Typed::new(
                            BExpr::Arith(
                                Arith::DateAdd,
                                Box::new(r.expr),
                                Box::new(l.expr),
                                SqlType::Date,
                            ),
                            SqlType::Date,
                        ));
                    }
                    (SqlType::Date, SqlType::Date, BinOp::Sub) => {
                        return Ok(Typed::new(
                            BExpr::Arith(
                                Arith::DateDiff,
                                Box::new(l.expr),
                                Box::new(r.expr),
                                SqlType::Int4,
                            ),
                            SqlType::Int4,
                        ));
                    }
                    _ => {}
                }
                let (lt, rt) = (l.ty.clone(), r.ty.clone());
                let num = |t: &SqlType| t.category() == Category::Numeric;
                let ty = match (&lt, &rt) {
                    (SqlType::Unknown, SqlType::Unknown) => {
                        return Err(SqlError::new(super::error::SqlState::AmbiguousFunction, format!("operator is not unique: unknown {} unknown", op.symbol()))
                            .with_hint("Could not choose a best candidate operator. You might need to add explicit type casts.")
                            .at(at(pos)))
                    }
                    (SqlType::Unknown, b) if num(b) => b.clone(),
                    (a, SqlType::Unknown) if num(a) => a.clone(),
                    (a, b) if num(a) && num(b) => SqlType::numeric_common(a, b),
                    (a, b) => return Err(undefined(a, b)),
                };
                // There is no % for real or double precision.
                if op == BinOp::Mod && matches!(ty, SqlType::Float4 | SqlType::Float8) {
                    return Err(undefined(&lt, &rt));
                }
                let ty = ty.without_modifier();
                let ty = if op == BinOp::Pow && ty.is_integer() {
                    SqlType::Float8
                } else {
                    ty
                };
                let ty = if op == BinOp::Pow && ty == SqlType::Float4 {
                    SqlType::Float8
                } else {
                    ty
                };
                let l = coerce_to(l, &ty)?;
                let r = coerce_to(r, &ty)?;
                let a = match op {
                    BinOp::Add => Arith::Add,
                    BinOp::Sub => Arith::Sub,
                    BinOp::Mul => Arith::Mul,
                    BinOp::Div => Arith::Div,
                    BinOp::Mod => Arith::Mod,
                    _ => Arith::Pow,
                };
                let expr = BExpr::Arith(a, Box::new(l.expr), Box::new(r.expr), ty.clone());
                // Fold constant arithmetic so errors (overflow, division by zero) surface like PostgreSQL's.
                Ok(Typed::new(expr, ty))
            }
            BinOp::And | BinOp::Or => {
                Err(SqlError::internal("boolean operator in bind_binary_typed"))
            }
        }
    }

    fn bind_case(
        &mut self,
        operand: Option<&Expr>,
        whens: &[(Expr, Expr)],
        else_: Option<&Expr>,
    ) -> R<Typed> {
        let op = match operand {
            Some(o) => Some(self.bind(o)?),
            None => None,
        };
        let mut conds = Vec::new();
        let mut results = Vec::new();
        for (c, r) in whens {
            let cb = match &op {
                Some(o) => {
                    let ct = self.bind(c)?;
                    self.bind_binary_typed(BinOp::Eq, o.clone(), ct, c.pos)?
                        .expr
                }
                None => self.bind_condition(c, "CASE")?,
            };
            conds.push(cb);
            results.push(self.bind(r)?);
        }
        let else_t = match else_ {
            Some(e) => Some(self.bind(e)?),
            None => None,
        };
        // PostgreSQL weighs the ELSE result first, then the THEN results in order.
        let mut ty = SqlType::Unknown;
        for t in else_t.iter().chain(results.iter()) {
            ty = common_type(&ty, &t.ty).ok_or_else(|| {
                SqlError::cannot_match_types("CASE", ty.base_name(), t.ty.base_name())
            })?;
        }
        if ty == SqlType::Unknown {
            ty = SqlType::Text;
        }
        let ty = match ty {
            SqlType::Varchar(_) | SqlType::Char(_)
                if results.iter().chain(else_t.iter()).any(|t| t.ty != ty) =>
            {
                SqlType::Text
            }
            t => t,
        };
        let mut pairs = Vec::new();
        for (c, r) in conds.into_iter().zip(results) {
            pairs.push((c, coerce_to(r, &ty)?.expr));
        }
        let else_ = match else_t {
            Some(t) => Some(Box::new(coerce_to(t, &ty)?.expr)),
            None => None,
        };
        // A simple CASE compares the operand in each WHEN (already bound into the condition).
        Ok(Typed::new(
            BExpr::Case {
                operand: None,
                whens: pairs,
                else_,
            },
            ty,
        ))
    }

    /// An argument rendered by its type's output function, as `concat` does: unlike the
    /// cast to text (`true`), a boolean prints `t` / `f`.
    fn output_text(&mut self, t: Typed, pos: usize) -> R<BExpr> {
        if t.ty != SqlType::Bool {
            return Ok(self.bind_cast(unpad(t), SqlType::Text, pos)?.expr);
        }
        let text = |s: &str| BExpr::Const(Value::Text(s.into()));
        Ok(BExpr::Case {
            operand: None,
            whens: vec![
                (t.expr.clone(), text("t")),
                (BExpr::Not(Box::new(t.expr)), text("f")),
            ],
            else_: None,
        })
    }

    fn bind_args(&mut self, args: &[Expr]) -> R<Vec<Typed>> {
        args.iter().map(|a| self.bind(a)).collect()
    }

    fn bind_function(
        &mut self,
        name: &str,
        args: &[Expr],
        distinct: bool,
        star: bool,
        pos: usize,
    ) -> R<Typed> {
        if let Some(f) = aggregate_named(name, star) {
            return self.bind_aggregate(f, name, args, distinct, &[], pos);
        }
        if star {
            return Err(SqlError::syntax(format!(
                "{name}(*) specified, but {name} is not an aggregate function"
            ))
            .at(at(pos)));
        }
        let ts = self.bind_args(args)?;
        self.bind_function_call(name, ts, pos)
    }

    /// A function call with its arguments bound. Kept apart from the argument binding: nested
    /// calls recurse through `bind_function`, and this match's frame is tens of kilobytes in
    /// an unoptimised build.
    #[inline(never)]
    fn bind_function_call(&mut self, name: &str, ts: Vec<Typed>, pos: usize) -> R<Typed> {
        let types: Vec<String> = ts.iter().map(|t| t.ty.base_name().to_string()).collect();
        // The EXTRACT syntax calls pg_catalog.extract, and says so when nothing matches.
        let shown = if name == "extract" {
            "pg_catalog.extract"
        } else {
            name
        };
        let undefined = || SqlError::undefined_function(shown, &types.join(", ")).at(at(pos));
        let n = ts.len();
        let text = SqlType::Text;
        let strish = |t: &Typed| matches!(t.ty.category(), Category::String | Category::Unknown);
        let to_text = |t: Typed| -> R<BExpr> { Ok(unpad(coerce_to(t, &SqlType::Text)?).expr) };
        let f = |func: Func, args: Vec<BExpr>, ty: SqlType| {
            Typed::new(BExpr::Func(func, args, ty.clone()), ty)
        };
        Ok(match (name, n) {
            ("length" | "char_length" | "character_length", 1) if strish(&ts[0]) => {
                let func = if matches!(ts[0].ty, SqlType::Char(_)) {
                    Func::LengthChar
                } else {
                    Func::Length
                };
                let a =
                    coerce_to(ts.into_iter().next().ok_or_else(undefined)?, &text.clone())?.expr;
                // length(bpchar) must see the padded value: keep the raw value.
                f(func, vec![a], SqlType::Int4)
            }
            ("octet_length", 1) if strish(&ts[0]) => f(
                Func::OctetLength,
                vec![to_text(ts.into_iter().next().ok_or_else(undefined)?)?],
                SqlType::Int4,
            ),
            ("upper" | "lower" | "initcap" | "reverse" | "md5", 1) if strish(&ts[0]) => {
                let func = match name {
                    "upper" => Func::Upper,
                    "lower" => Func::Lower,
                    "initcap" => Func::Initcap,
                    "reverse" => Func::Reverse,
                    _ => Func::Md5,
                };
                f(
                    func,
                    vec![to_text(ts.into_iter().next().ok_or_else(undefined)?)?],
                    SqlType::Text,
                )
            }
            ("btrim" | "ltrim" | "rtrim" | "trim", 1 | 2) if ts.iter().all(strish) => {
                let func = match name {
                    "ltrim" => Func::Ltrim,
                    "rtrim" => Func::Rtrim,
                    _ => Func::Btrim,
                };
                f(
                    func,
                    ts.into_iter().map(to_text).collect::<R<Vec<_>>>()?,
                    SqlType::Text,
                )
            }
            ("substring" | "substr", 2 | 3) if strish(&ts[0]) => {
                let mut it = ts.into_iter();
                let s = to_text(it.next().ok_or_else(undefined)?)?;
                let mut a = vec![s];
                for t in it {
                    if !(t.ty.is_integer() || t.ty == SqlType::Unknown) {
                        return Err(undefined());
                    }
                    a.push(coerce_to(t, &SqlType::Int4)?.expr);
                }
                f(Func::Substring, a, SqlType::Text)
            }
            ("replace", 3) | ("split_part", 3) if ts.iter().take(2).all(strish) => {
                let func = if name == "replace" {
                    Func::Replace
                } else {
                    Func::SplitPart
                };
                let mut it = ts.into_iter();
                let a = to_text(it.next().ok_or_else(undefined)?)?;
                let b = to_text(it.next().ok_or_else(undefined)?)?;
                let c = it.next().ok_or_else(undefined)?;
                let c = if func == Func::Replace {
                    to_text(c)?
                } else {
                    coerce_to(c, &SqlType::Int4)?.expr
                };
                f(func, vec![a, b, c], SqlType::Text)
            }
            ("left" | "right" | "repeat", 2) if strish(&ts[0]) => {
                let func = match name {
                    "left" => Func::Left,
                    "right" => Func::Right,
                    _ => Func::Repeat,
                };
                let mut it = ts.into_iter();
                let a = to_text(it.next().ok_or_else(undefined)?)?;
                let b = coerce_to(it.next().ok_or_else(undefined)?, &SqlType::Int4)?.expr;
                f(func, vec![a, b], SqlType::Text)
            }
            ("lpad" | "rpad", 2 | 3) if strish(&ts[0]) => {
                let func = if name == "lpad" {
                    Func::Lpad
                } else {
                    Func::Rpad
                };
                let mut it = ts.into_iter();
                let mut a = vec![to_text(it.next().ok_or_else(undefined)?)?];
                a.push(coerce_to(it.next().ok_or_else(undefined)?, &SqlType::Int4)?.expr);
                if let Some(t) = it.next() {
                    a.push(to_text(t)?);
                }
                f(func, a, SqlType::Text)
            }
            ("strpos" | "position", 2) if ts.iter().all(strish) => f(
                Func::Strpos,
                ts.into_iter().map(to_text).collect::<R<Vec<_>>>()?,
                SqlType::Int4,
            ),
            ("concat", _) => {
                let mut a = Vec::new();
                for t in ts {
                    a.push(self.output_text(t, pos)?);
                }
                f(Func::Concat, a, SqlType::Text)
            }
            ("concat_ws", n) if n >= 1 => {
                let mut a = Vec::new();
                for t in ts {
                    a.push(self.output_text(t, pos)?);
                }
                f(Func::ConcatWs, a, SqlType::Text)
            }
            ("coalesce" | "greatest" | "least", n) if n >= 1 => {
                let word = name.to_ascii_uppercase();
                let mut ty = SqlType::Unknown;
                for t in &ts {
                    ty = common_type(&ty, &t.ty).ok_or_else(|| {
                        SqlError::cannot_match_types(&word, ty.base_name(), t.ty.base_name())
                            .at(at(pos))
                    })?;
                }
                if ty == SqlType::Unknown {
                    ty = SqlType::Text;
                }
                let ty = if ts.iter().any(|t| t.ty != ty) {
                    ty.without_modifier()
                } else {
                    ty
                };
                let func = match name {
                    "coalesce" => Func::Coalesce,
                    "greatest" => Func::Greatest,
                    _ => Func::Least,
                };
                let a = ts
                    .into_iter()
                    .map(|t| coerce_to(t, &ty).map(|t| t.expr))
                    .collect::<R<Vec<_>>>()?;
                f(func, a, ty)
            }
            ("nullif", 2) => {
                let mut it = ts.into_iter();
                let a = it.next().ok_or_else(undefined)?;
                let b = it.next().ok_or_else(undefined)?;
                // NULLIF(a, b) returns the left input type of the `=` it resolves: an unknown
                // `a` takes `b`'s type (varchar compares, and so returns, as text).
                let ty = match (&a.ty, &b.ty) {
                    (SqlType::Unknown, SqlType::Unknown) => SqlType::Text,
                    (SqlType::Unknown, SqlType::Varchar(_)) => SqlType::Text,
                    (SqlType::Unknown, SqlType::Char(_)) => SqlType::Text,
                    (SqlType::Unknown, known) => known.without_modifier(),
                    (known, _) => known.clone(),
                };
                let a = coerce_to(a, &ty)?;
                // character(n) compares without its trailing blanks.
                let b = coerce_to(unpad(b), &ty)?;
                f(Func::Nullif, vec![a.expr, b.expr], ty)
            }
            ("abs" | "ceil" | "ceiling" | "floor" | "sign" | "sqrt", 1) => {
                let t = ts.into_iter().next().ok_or_else(undefined)?;
                let t = if t.ty == SqlType::Unknown {
                    coerce_to(t, &SqlType::Float8)?
                } else {
                    t
                };
                if t.ty.category() != Category::Numeric {
                    return Err(undefined());
                }
                let func = match name {
                    "abs" => Func::Abs,
                    "ceil" | "ceiling" => Func::Ceil,
                    "floor" => Func::Floor,
                    "sign" => Func::Sign,
                    _ => Func::Sqrt,
                };
                let ty = match (func, &t.ty) {
                    (Func::Abs, ty) => ty.without_modifier(),
                    (Func::Sqrt, SqlType::Numeric(_)) => SqlType::Numeric(None),
                    (Func::Sqrt, _) => SqlType::Float8,
                    (_, ty) if ty.is_integer() => SqlType::Float8,
                    (_, SqlType::Float4) => SqlType::Float8,
                    (_, ty) => ty.without_modifier(),
                };
                let e = coerce_to(t, &ty)?.expr;
                f(func, vec![e], ty)
            }
            ("round" | "trunc", 1 | 2) => {
                let mut it = ts.into_iter();
                let t = it.next().ok_or_else(undefined)?;
                if !(t.ty.category() == Category::Numeric || t.ty == SqlType::Unknown) {
                    return Err(undefined());
                }
                if name == "trunc" && n == 1 && t.ty == SqlType::Unknown {
                    // trunc also takes macaddr and macaddr8: no best candidate for unknown.
                    return Err(SqlError::new(
                        SqlState::AmbiguousFunction,
                        "function trunc(unknown) is not unique",
                    )
                    .with_hint(
                        "Could not choose a best candidate function. You might need to add explicit type casts.",
                    )
                    .at(at(pos)));
                }
                let func = if name == "round" {
                    Func::Round
                } else {
                    Func::Trunc
                };
                match it.next() {
                    Some(d) => {
                        let x = coerce_to(t, &SqlType::Numeric(None))?.expr;
                        let d = coerce_to(d, &SqlType::Int4)?.expr;
                        f(func, vec![x, d], SqlType::Numeric(None))
                    }
                    None => {
                        let ty = match &t.ty {
                            SqlType::Numeric(_) => SqlType::Numeric(None),
                            _ if t.ty.is_integer() => SqlType::Float8,
                            SqlType::Unknown => SqlType::Float8,
                            _ => SqlType::Float8,
                        };
                        let x = coerce_to(t, &ty)?.expr;
                        f(func, vec![x], ty)
                    }
                }
            }
            ("mod", 2) => {
                let mut it = ts.into_iter();
                let a = it.next().ok_or_else(undefined)?;
                let b = it.next().ok_or_else(undefined)?;
                // mod() is a function: its errors name the function, not the operator.
                return self
                    .bind_binary_typed(BinOp::Mod, a, b, pos)
                    .map_err(|e| match e.code() {
                        "42883" => undefined(),
                        "42725" => ambiguous_function(name, &types.join(", ")).at(at(pos)),
                        _ => e,
                    });
            }
            ("power" | "pow", 2) => {
                let mut it = ts.into_iter();
                let a = it.next().ok_or_else(undefined)?;
                let b = it.next().ok_or_else(undefined)?;
                // Two unknowns resolve to the preferred numeric type, double precision.
                let (a, b) = if a.ty == SqlType::Unknown && b.ty == SqlType::Unknown {
                    (
                        coerce_to(a, &SqlType::Float8)?,
                        coerce_to(b, &SqlType::Float8)?,
                    )
                } else {
                    (a, b)
                };
                return self.bind_binary_typed(BinOp::Pow, a, b, pos).map_err(|e| {
                    if e.code() == "42883" {
                        undefined()
                    } else {
                        e
                    }
                });
            }
            ("now" | "transaction_timestamp" | "statement_timestamp" | "clock_timestamp", 0) => {
                f(Func::Now, vec![], SqlType::TimestampTz)
            }
            ("version", 0) => f(Func::Version, vec![], SqlType::Text),
            ("current_database", 0) => f(Func::CurrentDatabase, vec![], SqlType::Text),
            ("current_schema", 0) => f(Func::CurrentSchema, vec![], SqlType::Text),
            ("jsonb_typeof", 1) => {
                let t = coerce_to(
                    ts.into_iter().next().ok_or_else(undefined)?,
                    &SqlType::Jsonb,
                )?;
                f(Func::JsonbTypeof, vec![t.expr], SqlType::Text)
            }
            ("extract" | "date_part", 2) => {
                let mut it = ts.into_iter();
                let field = coerce_to(it.next().ok_or_else(undefined)?, &SqlType::Text)?.expr;
                let src = it.next().ok_or_else(undefined)?;
                if src.ty == SqlType::Unknown {
                    // date, time, timestamp(tz) and interval all fit an unknown source.
                    let shown = if name == "extract" {
                        "pg_catalog.extract"
                    } else {
                        name
                    };
                    return Err(SqlError::new(
                        SqlState::AmbiguousFunction,
                        format!("function {shown}(unknown, unknown) is not unique"),
                    )
                    .with_hint(
                        "Could not choose a best candidate function. You might need to add explicit type casts.",
                    )
                    .at(at(pos)));
                }
                if src.ty.category() != Category::DateTime {
                    return Err(undefined());
                }
                let src = coerce_to(src, &SqlType::Timestamp)?.expr;
                let ty = if name == "extract" {
                    SqlType::Numeric(None)
                } else {
                    SqlType::Float8
                };
                f(Func::Extract, vec![field, src], ty)
            }
            ("date_trunc", 2) => {
                let mut it = ts.into_iter();
                let field = coerce_to(it.next().ok_or_else(undefined)?, &SqlType::Text)?.expr;
                let src = it.next().ok_or_else(undefined)?;
                let ty = if src.ty == SqlType::TimestampTz {
                    SqlType::TimestampTz
                } else {
                    SqlType::Timestamp
                };
                let src = coerce_to(src, &ty)?.expr;
                f(Func::DateTrunc, vec![field, src], ty)
            }
            ("lastval", 0) => f(Func::Lastval, vec![], SqlType::Int8),
            // Sequence functions are strict: a NULL name gives NULL.
            ("nextval" | "currval", 1) | ("setval", 2 | 3) if matches!(ts.first(), Some(t) if t.expr == BExpr::Const(Value::Null)) => {
                Typed::new(BExpr::Const(Value::Null), SqlType::Int8)
            }
            ("nextval" | "currval", 1) => {
                let t = ts.into_iter().next().ok_or_else(undefined)?;
                let seq = self.sequence_arg(&t, pos)?;
                if name == "nextval" {
                    Typed::new(BExpr::NextVal(seq), SqlType::Int8)
                } else {
                    f(
                        Func::Currval,
                        vec![BExpr::Const(Value::Int(seq as i64))],
                        SqlType::Int8,
                    )
                }
            }
            ("pg_typeof", 1) => {
                // regtype prints the type's name without its modifier.
                let name = ts[0].ty.base_name().to_string();
                Typed::new(BExpr::Const(Value::Text(name)), SqlType::Text)
            }
            ("to_regclass", 1) if strish(&ts[0]) => match &ts[0].expr {
                BExpr::Const(Value::Text(name)) => {
                    let v = self
                        .regclass_name(name)
                        .map_err(|e| e.at(at(pos)))?
                        .map_or(Value::Null, Value::Text);
                    Typed::new(BExpr::Const(v), SqlType::Regclass)
                }
                BExpr::Const(Value::Null) => {
                    Typed::new(BExpr::Const(Value::Null), SqlType::Regclass)
                }
                _ => {
                    return Err(SqlError::not_supported("a non-constant relation name").at(at(pos)))
                }
            },
            ("setval", 2 | 3) => {
                let mut it = ts.into_iter();
                let t = it.next().ok_or_else(undefined)?;
                let seq = self.sequence_arg(&t, pos)?;
                let mut a = vec![
                    BExpr::Const(Value::Int(seq as i64)),
                    coerce_to(it.next().ok_or_else(undefined)?, &SqlType::Int8)?.expr,
                ];
                if let Some(c) = it.next() {
                    a.push(coerce_to(c, &SqlType::Bool)?.expr);
                }
                f(Func::Setval, a, SqlType::Int8)
            }
            _ => return Err(undefined()),
        })
    }

    /// `to_regclass`: the relation a (possibly qualified, possibly quoted) name denotes, as
    /// regclass prints it (qualified only when the search path does not find it), or None.
    fn regclass_name(&self, text: &str) -> R<Option<String>> {
        let on = relation_name_from_text(text)?;
        let name = on.name.clone();
        let Some((found_in, rel)) = self.lookup_relation(&on) else {
            return Ok(None);
        };
        let visible = self
            .search_path
            .iter()
            .find_map(|s| self.cat.relation(s, &name))
            == Some(rel);
        Ok(Some(if visible {
            quote_ident(&name)
        } else {
            format!("{}.{}", quote_ident(&found_in), quote_ident(&name))
        }))
    }

    /// The sequence a sequence function's name argument denotes, read as regclass input: a
    /// missing schema is 3F000, a missing relation 42P01.
    fn sequence_arg(&self, t: &Typed, pos: usize) -> R<SeqId> {
        let BExpr::Const(Value::Text(name)) = &t.expr else {
            return Err(SqlError::not_supported("a non-constant sequence name").at(at(pos)));
        };
        let on = relation_name_from_text(name).map_err(|e| e.at(at(pos)))?;
        if let Some(schema) = on.schema.as_deref().filter(|s| !self.cat.has_schema(s)) {
            return Err(SqlError::undefined_schema(schema).at(at(pos)));
        }
        match self.lookup_relation(&on) {
            Some((_, Relation::Sequence(id))) => Ok(id),
            Some(_) => Err(SqlError::wrong_object_type(&on.name, "a sequence").at(at(pos))),
            None => Err(SqlError::undefined_relation(&on.display()).at(at(pos))),
        }
    }

    /// An aggregate call with ORDER BY inside its parentheses.
    fn bind_ordered_aggregate(&mut self, call: &Expr, order: &[OrderItem]) -> R<Typed> {
        let ExprKind::Function {
            name,
            args,
            distinct,
            star,
        } = &call.kind
        else {
            return Err(SqlError::internal("ORDER BY on a non-call"));
        };
        match aggregate_named(name, *star) {
            Some(f) => self.bind_aggregate(f, name, args, *distinct, order, call.pos),
            None => Err(SqlError::new(
                SqlState::WrongObjectType,
                format!("ORDER BY specified, but {name} is not an aggregate function"),
            )
            .at(at(call.pos))),
        }
    }

    fn bind_aggregate(
        &mut self,
        func: AggFunc,
        name: &str,
        args: &[Expr],
        distinct: bool,
        order: &[OrderItem],
        pos: usize,
    ) -> R<Typed> {
        match self.agg_mode {
            AggMode::Disallowed(clause) => {
                return Err(SqlError::aggregate_not_allowed(clause).at(at(pos)))
            }
            AggMode::Collect if self.in_agg => return Err(SqlError::nested_aggregate().at(at(pos))),
            AggMode::Collect => {}
        }
        self.in_agg = true;
        let r = self.bind_args(args);
        let keys = order
            .iter()
            .map(|o| {
                let t = self.bind(&o.expr)?;
                let key = match t.ty {
                    SqlType::Unknown => coerce_to(t, &SqlType::Text)?.expr,
                    _ => t.expr,
                };
                Ok((key, o.desc, o.nulls_first.unwrap_or(o.desc)))
            })
            .collect::<R<Vec<_>>>();
        self.in_agg = false;
        let ts = r?;
        let keys = keys?;
        let types: Vec<&str> = ts.iter().map(|t| t.ty.base_name()).collect();
        let undefined = || SqlError::undefined_function(name, &types.join(", ")).at(at(pos));
        let expected = match func {
            AggFunc::CountStar => 0,
            AggFunc::StringAgg => 2,
            _ => 1,
        };
        if ts.len() != expected {
            return Err(undefined());
        }
        let arg_ty = ts.first().map(|t| t.ty.clone()).unwrap_or(SqlType::Int8);
        let ty = match func {
            AggFunc::CountStar | AggFunc::Count => SqlType::Int8,
            AggFunc::Sum => match &arg_ty {
                SqlType::Int2 | SqlType::Int4 => SqlType::Int8,
                SqlType::Int8 | SqlType::Numeric(_) => SqlType::Numeric(None),
                SqlType::Float4 => SqlType::Float4,
                SqlType::Float8 | SqlType::Unknown => SqlType::Float8,
                _ => return Err(undefined()),
            },
            AggFunc::Avg => match &arg_ty {
                t if t.is_integer() => SqlType::Numeric(None),
                SqlType::Numeric(_) => SqlType::Numeric(None),
                SqlType::Float4 | SqlType::Float8 | SqlType::Unknown => SqlType::Float8,
                _ => return Err(undefined()),
            },
            AggFunc::Min | AggFunc::Max => match &arg_ty {
                SqlType::Unknown => SqlType::Text,
                // PostgreSQL 15 has no min/max over boolean, json(b) or uuid.
                SqlType::Bool | SqlType::Json | SqlType::Jsonb | SqlType::Uuid => {
                    return Err(undefined())
                }
                SqlType::Varchar(_) | SqlType::Char(_) => SqlType::Text,
                t => t.without_modifier(),
            },
            AggFunc::BoolAnd | AggFunc::BoolOr => {
                if !matches!(arg_ty, SqlType::Bool | SqlType::Unknown) {
                    return Err(undefined());
                }
                SqlType::Bool
            }
            AggFunc::StringAgg => SqlType::Text,
        };
        let mut bargs = Vec::new();
        for t in ts {
            let t = match (func, &t.ty) {
                (AggFunc::StringAgg, _) | (_, SqlType::Unknown) => {
                    coerce_to(unpad(t), &SqlType::Text)?
                }
                (AggFunc::Sum | AggFunc::Avg, _) if arg_ty.category() != Category::Numeric => {
                    return Err(undefined())
                }
                (AggFunc::Min | AggFunc::Max, SqlType::Char(_)) => unpad(t),
                _ => t,
            };
            bargs.push(t.expr);
        }
        let spec = AggSpec {
            func,
            args: bargs,
            distinct,
            arg_ty,
            ty: ty.clone(),
            order: keys,
        };
        let idx = match self.aggs.iter().position(|a| *a == spec) {
            Some(i) => i,
            None => {
                self.aggs.push(spec);
                self.aggs.len() - 1
            }
        };
        Ok(Typed::new(BExpr::Agg(idx), ty))
    }
}

/// The aggregate a function name calls, if it is one.
fn aggregate_named(name: &str, star: bool) -> Option<AggFunc> {
    Some(match name {
        "count" if star => AggFunc::CountStar,
        "count" => AggFunc::Count,
        "sum" => AggFunc::Sum,
        "avg" => AggFunc::Avg,
        "min" => AggFunc::Min,
        "max" => AggFunc::Max,
        "bool_and" | "every" => AggFunc::BoolAnd,
        "bool_or" => AggFunc::BoolOr,
        "string_agg" => AggFunc::StringAgg,
        _ => return None,
    })
}

/// A relation name written as text (`to_regclass`, `nextval`): `[schema.]name`, unquoted
/// parts folded to lower case.
fn relation_name_from_text(text: &str) -> R<ObjectName> {
    let parts = split_qualified_name(text)
        .ok_or_else(|| SqlError::new(SqlState::InvalidName, "invalid name syntax"))?;
    let (schema, name) = match parts.as_slice() {
        [n] => (None, n.clone()),
        [s, n] => (Some(s.clone()), n.clone()),
        [_, _, _] => {
            return Err(SqlError::new(
                SqlState::FeatureNotSupported,
                format!(
                    "cross-database references are not implemented: \"{}\"",
                    parts.join(".")
                ),
            ))
        }
        _ => {
            return Err(SqlError::syntax(format!(
                "improper relation name (too many dotted names): {}",
                parts.join(".")
            )))
        }
    };
    Ok(ObjectName {
        schema,
        name,
        pos: 0,
    })
}

/// Splits `schema.name` as PostgreSQL reads a qualified name from text: unquoted parts fold
/// to lower case, `"quoted"` parts keep their case (`""` is a quote). None if malformed.
fn split_qualified_name(text: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    '"' => break,
                    c => part.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' || c.is_whitespace() {
                    break;
                }
                part.extend(c.to_lowercase());
                chars.next();
            }
        }
        if part.is_empty() {
            return None;
        }
        parts.push(part);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => return Some(parts),
            Some('.') => {}
            Some(_) => return None,
        }
    }
}

/// An identifier as PostgreSQL's `quote_identifier` prints it.
fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !super::fastpath::is_reserved(name);
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// 42725: several operators fit an operand of unknown type.
fn ambiguous_operator(signature: &str) -> SqlError {
    SqlError::new(
        SqlState::AmbiguousFunction,
        format!("operator is not unique: {signature}"),
    )
    .with_hint(
        "Could not choose a best candidate operator. You might need to add explicit type casts.",
    )
}

/// 42725: several functions fit arguments of unknown type.
fn ambiguous_function(name: &str, args: &str) -> SqlError {
    SqlError::new(
        SqlState::AmbiguousFunction,
        format!("function {name}({args}) is not unique"),
    )
    .with_hint(
        "Could not choose a best candidate function. You might need to add explicit type casts.",
    )
}

/// Binds a literal that is not a string (those are [`bind_literal_owned`]'s or `bind`'s).
fn bind_scalar_literal(l: &Literal) -> R<Typed> {
    Ok(match l {
        Literal::Integer(s) => integer_literal(s)?,
        Literal::Decimal(s) => match Decimal::parse(s) {
            Some(Ok(d)) => Typed::new(BExpr::Const(Value::Numeric(d)), SqlType::Numeric(None)),
            // Beyond 38 digits: keep the magnitude as a double rather than fail.
            Some(Err(_)) => match s.parse::<f64>() {
                Ok(f) => Typed::new(BExpr::Const(Value::Float8(f)), SqlType::Float8),
                Err(_) => return Err(SqlError::invalid_input("numeric", s)),
            },
            None => return Err(SqlError::invalid_input("numeric", s)),
        },
        Literal::String(s) => Typed::new(BExpr::Const(Value::Text(s.clone())), SqlType::Unknown),
        Literal::Bool(b) => Typed::new(BExpr::Const(Value::Bool(*b)), SqlType::Bool),
        Literal::Null => Typed::new(BExpr::Const(Value::Null), SqlType::Unknown),
    })
}

/// Binds a literal the caller owns, as `Planner::bind` binds it (errors placed at `pos`): a
/// string literal's text becomes the constant without a copy. Used for INSERT's VALUES,
/// which need no scope.
pub(super) fn bind_literal_owned(l: &mut Literal, pos: usize) -> R<Typed> {
    match l {
        Literal::String(s) => Ok(Typed::new(
            BExpr::Const(Value::Text(std::mem::take(s))),
            SqlType::Unknown,
        )),
        other => bind_scalar_literal(other).map_err(|err| err.at(at(pos))),
    }
}

//! Row filters prepared once per scan: a condition that compares one column with a constant
//! (`age > 57`, `5 = id`) is tested on the stored value by reference, with no evaluation
//! through [`eval`] and no copy of the value; any other condition is evaluated as usual.
//!
//! Invariant: [`Filter::test`] answers exactly what [`eval_pred`] answers for the same
//! condition (NULL on either side is not true; the order is [`Value::total_cmp`]).

use std::cmp::Ordering;

use super::ast::BinOp;
use super::error::SqlError;
use super::eval::{eval_pred, Env};
use super::plan::BExpr;
use super::types::Value;

/// A WHERE condition ready to test rows.
pub enum Filter<'a> {
    /// No condition: every row passes.
    All,
    /// `column op constant`, the operator turned around when the constant came first.
    ColConst {
        /// Column position in the row.
        col: usize,
        /// The comparison, with the column on its left.
        op: BinOp,
        /// The constant.
        value: &'a Value,
    },
    /// Anything else, evaluated per row.
    Expr(&'a BExpr),
}

/// The comparison `b op a` written as `a op' b`.
fn turned(op: BinOp) -> Option<BinOp> {
    Some(match op {
        BinOp::Eq => BinOp::Eq,
        BinOp::NotEq => BinOp::NotEq,
        BinOp::Lt => BinOp::Gt,
        BinOp::LtEq => BinOp::GtEq,
        BinOp::Gt => BinOp::Lt,
        BinOp::GtEq => BinOp::LtEq,
        _ => return None,
    })
}

impl<'a> Filter<'a> {
    /// Prepares `cond` (None: no WHERE).
    pub fn new(cond: Option<&'a BExpr>) -> Self {
        let Some(e) = cond else {
            return Filter::All;
        };
        if let BExpr::Cmp(op, l, r) = e {
            match (l.as_ref(), r.as_ref(), turned(*op)) {
                (BExpr::Col(col), BExpr::Const(value), Some(_)) => {
                    return Filter::ColConst {
                        col: *col,
                        op: *op,
                        value,
                    }
                }
                (BExpr::Const(value), BExpr::Col(col), Some(op)) => {
                    return Filter::ColConst {
                        col: *col,
                        op,
                        value,
                    }
                }
                _ => {}
            }
        }
        Filter::Expr(e)
    }

    /// True when `row` satisfies the condition (NULL counts as false).
    pub fn test(&self, row: &[Value], env: &Env) -> Result<bool, SqlError> {
        match self {
            Filter::All => Ok(true),
            Filter::ColConst { col, op, value } => {
                let Some(v) = row.get(*col) else {
                    return Ok(false);
                };
                if v.is_null() || value.is_null() {
                    return Ok(false);
                }
                // Integers compare inline; every other pair as the index order does.
                let o = match (v, value) {
                    (Value::Int(a), Value::Int(b)) => a.cmp(b),
                    _ => v.total_cmp(value),
                };
                Ok(match op {
                    BinOp::Eq => o == Ordering::Equal,
                    BinOp::NotEq => o != Ordering::Equal,
                    BinOp::Lt => o == Ordering::Less,
                    BinOp::LtEq => o != Ordering::Greater,
                    BinOp::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                })
            }
            Filter::Expr(e) => eval_pred(e, row, env),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sql::Session;

    fn one(s: &mut Session, sql: &str) -> Vec<Option<String>> {
        let rows = s.execute(sql).expect(sql).rows.unwrap_or_default();
        rows.into_iter().next().unwrap_or_default()
    }

    /// The prepared filter and the one-pass count(*) answer as the general evaluation does
    /// (a derived table goes through the generic scan and eval).
    #[test]
    fn prepared_filters_and_counts_match_the_general_path() {
        let mut s = Session::default();
        s.execute("CREATE TABLE t (id int, age int, name text)")
            .unwrap();
        s.execute("INSERT INTO t VALUES (1, 20, 'a'), (2, NULL, 'b'), (3, 40, NULL), (4, 30, 'a')")
            .unwrap();
        s.execute("ALTER TABLE t ADD COLUMN n int DEFAULT 7")
            .unwrap();
        for cond in [
            "age > 25",
            "25 < age",
            "age >= 30",
            "30 <= age",
            "age = 20",
            "age <> 20",
            "age < NULL",
            "name = 'a'",
            "'a' <> name",
            "n = 7",
            "age > 99",
        ] {
            let fast = one(
                &mut s,
                &format!("SELECT count(*), count(*) FROM t WHERE {cond}"),
            );
            let slow = one(
                &mut s,
                &format!("SELECT count(*), count(*) FROM (SELECT * FROM t WHERE {cond}) d"),
            );
            assert_eq!(fast, slow, "{cond}");
            let rows = s
                .execute(&format!("SELECT id FROM t WHERE {cond}"))
                .unwrap()
                .rows
                .unwrap();
            let count = fast[0].as_deref().and_then(|c| c.parse::<usize>().ok());
            assert_eq!(count, Some(rows.len()), "{cond}");
        }
    }
}

//! CREATE SEQUENCE and ALTER SEQUENCE: the options are checked and applied in the order of
//! PostgreSQL's `init_params` (`commands/sequence.c`), so that a definition with several
//! faults reports the one PostgreSQL reports first.
//!
//! Invariant: an ALTER replaces the sequence through `Catalog::remove_sequence` and
//! `Catalog::add_sequence` (same id, so bound `nextval` defaults still find it), which records
//! undo steps: the definition change is transactional, as in PostgreSQL.

use std::cell::Cell;

use super::ast::{ObjectName, SeqOption};
use super::catalog::{Relation, Sequence};
use super::error::{Notice, SqlError};
use super::plan::{resolve_type, Planner};
use super::session::{ExecCtx, QueryResult};
use super::types::SqlType;

type R<T> = Result<T, SqlError>;

/// CREATE SEQUENCE \[IF NOT EXISTS\] name options.
pub fn create_sequence(
    ctx: &mut ExecCtx,
    name: &ObjectName,
    if_not_exists: bool,
    options: &[SeqOption],
) -> R<QueryResult> {
    let p = Planner::new(ctx.cat, ctx.search_path);
    let schema = p.creation_schema(name)?;
    let exists = ctx.cat.relation(&schema, &name.name).is_some();
    if exists && if_not_exists {
        return Ok(
            QueryResult::tag("CREATE SEQUENCE").with_notices(vec![Notice::new_notice(format!(
                "relation \"{}\" already exists, skipping",
                name.name
            ))]),
        );
    }
    let mut seq = Sequence {
        id: 0,
        schema,
        name: name.name.clone(),
        last_value: Cell::new(1),
        is_called: Cell::new(false),
        increment: 1,
        min: 1,
        max: i64::MAX,
        start: 1,
        cycle: false,
        owned_by: None,
        type_name: "bigint".into(),
    };
    // PostgreSQL checks the options before it finds the name taken.
    apply_options(&mut seq, options, true)?;
    if exists {
        return Err(SqlError::duplicate_relation(&name.name));
    }
    seq.id = ctx.cat.new_id();
    ctx.cat.add_sequence(seq);
    Ok(QueryResult::tag("CREATE SEQUENCE"))
}

/// ALTER SEQUENCE \[IF EXISTS\] name options.
pub fn alter_sequence(
    ctx: &mut ExecCtx,
    name: &ObjectName,
    if_exists: bool,
    options: &[SeqOption],
) -> R<QueryResult> {
    let p = Planner::new(ctx.cat, ctx.search_path);
    let sid = match p.lookup_relation(name) {
        Some((_, Relation::Sequence(sid))) => sid,
        Some(_) => {
            return Err(SqlError::wrong_object_type(&name.name, "a sequence").at(Some(name.pos + 1)))
        }
        None if if_exists => {
            // PostgreSQL names only the relation here, even when the name was qualified.
            return Ok(
                QueryResult::tag("ALTER SEQUENCE").with_notices(vec![Notice::new_notice(format!(
                    "relation \"{}\" does not exist, skipping",
                    name.name
                ))]),
            );
        }
        None => {
            // Unlike a query's FROM, ALTER names a missing schema as such.
            if let Some(schema) = name.schema.as_deref().filter(|s| !ctx.cat.has_schema(s)) {
                return Err(SqlError::undefined_schema(schema));
            }
            return Err(SqlError::undefined_relation(&name.display()).at(Some(name.pos + 1)));
        }
    };
    let Some(old) = ctx.cat.sequence(sid) else {
        return Err(SqlError::internal("alter_sequence: sequence vanished"));
    };
    let mut seq = old.clone();
    apply_options(&mut seq, options, false)?;
    ctx.cat.remove_sequence(sid);
    ctx.cat.add_sequence(seq);
    Ok(QueryResult::tag("ALTER SEQUENCE"))
}

/// The bounds of a sequence data type, by the name `\ds` shows.
fn type_bounds(type_name: &str) -> (i64, i64) {
    match type_name {
        "smallint" => (i16::MIN.into(), i16::MAX.into()),
        "integer" => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Applies `options` to `seq` (`init`: a new sequence, whose unnamed options take their
/// defaults), refusing what PostgreSQL refuses, in its order.
fn apply_options(seq: &mut Sequence, options: &[SeqOption], init: bool) -> R<()> {
    for (i, o) in options.iter().enumerate() {
        if options[..i].iter().any(|x| x.kind() == o.kind()) {
            return Err(SqlError::conflicting_options());
        }
    }
    let given = |kind: u8| options.iter().find(|o| o.kind() == kind);
    let (mut reset_min, mut reset_max) = (false, false);
    if let Some(SeqOption::As(t)) = given(0) {
        let type_name = match resolve_type(t)? {
            SqlType::Int2 => "smallint",
            SqlType::Int4 => "integer",
            SqlType::Int8 => "bigint",
            _ => {
                return Err(SqlError::invalid_parameter(
                    "sequence type must be smallint, integer, or bigint",
                ))
            }
        };
        // Bounds that were the old type's own follow the type; chosen ones stay.
        if !init {
            let (lo, hi) = type_bounds(&seq.type_name);
            reset_min = seq.min == lo;
            reset_max = seq.max == hi;
        }
        seq.type_name = type_name.into();
    }
    if let Some(SeqOption::Increment(n)) = given(1) {
        if *n == 0 {
            return Err(SqlError::invalid_parameter("INCREMENT must not be zero"));
        }
        seq.increment = *n;
    }
    if let Some(SeqOption::Cycle(c)) = given(7) {
        seq.cycle = *c;
    }
    let (lo, hi) = type_bounds(&seq.type_name);
    let ascending = seq.increment > 0;
    match given(3) {
        Some(SeqOption::MaxValue(Some(n))) => seq.max = *n,
        Some(_) => seq.max = if ascending { hi } else { -1 },
        None if init => seq.max = if ascending { hi } else { -1 },
        None if reset_max => seq.max = hi,
        None => {}
    }
    if seq.max < lo || seq.max > hi {
        return Err(out_of_type_range("MAXVALUE", seq.max, &seq.type_name));
    }
    match given(2) {
        Some(SeqOption::MinValue(Some(n))) => seq.min = *n,
        Some(_) => seq.min = if ascending { 1 } else { lo },
        None if init => seq.min = if ascending { 1 } else { lo },
        None if reset_min => seq.min = lo,
        None => {}
    }
    if seq.min < lo || seq.min > hi {
        return Err(out_of_type_range("MINVALUE", seq.min, &seq.type_name));
    }
    if seq.min >= seq.max {
        return Err(SqlError::invalid_parameter(format!(
            "MINVALUE ({}) must be less than MAXVALUE ({})",
            seq.min, seq.max
        )));
    }
    match given(4) {
        Some(SeqOption::Start(n)) => seq.start = *n,
        _ if init => seq.start = if ascending { seq.min } else { seq.max },
        _ => {}
    }
    check_within(seq, "START", seq.start)?;
    match given(5) {
        Some(SeqOption::Restart(n)) => {
            seq.last_value.set(n.unwrap_or(seq.start));
            seq.is_called.set(false);
        }
        _ if init => {
            seq.last_value.set(seq.start);
            seq.is_called.set(false);
        }
        _ => {}
    }
    // The current value is checked too, so that narrowed bounds cannot strand it.
    check_within(seq, "RESTART", seq.last_value.get())?;
    if let Some(SeqOption::Cache(n)) = given(6) {
        if *n <= 0 {
            return Err(SqlError::invalid_parameter(format!(
                "CACHE ({n}) must be greater than zero"
            )));
        }
    }
    Ok(())
}

/// 22023 unless `value` (the START or RESTART value) lies within MINVALUE..MAXVALUE.
fn check_within(seq: &Sequence, what: &str, value: i64) -> R<()> {
    if value < seq.min {
        return Err(SqlError::invalid_parameter(format!(
            "{what} value ({value}) cannot be less than MINVALUE ({})",
            seq.min
        )));
    }
    if value > seq.max {
        return Err(SqlError::invalid_parameter(format!(
            "{what} value ({value}) cannot be greater than MAXVALUE ({})",
            seq.max
        )));
    }
    Ok(())
}

fn out_of_type_range(what: &str, value: i64, type_name: &str) -> SqlError {
    SqlError::invalid_parameter(format!(
        "{what} ({value}) is out of range for sequence data type {type_name}"
    ))
}

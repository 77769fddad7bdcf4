//! The relational engine's one error type, [`SqlError`], and its SQLSTATE codes.
//!
//! Every message PostgreSQL 15 would print is built here, through a named constructor, so the
//! wording lives in one file. `Display` prints exactly psql's `ERROR:` / `DETAIL:` / `HINT:` lines;
//! [`SqlError::psql_report`] adds the `LINE 1:` excerpt and caret that psql derives from the
//! error position.

use std::fmt;

/// A PostgreSQL SQLSTATE condition that the engine can raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SqlState {
    /// 0A000 feature_not_supported.
    FeatureNotSupported,
    /// 2201W invalid_row_count_in_limit_clause.
    InvalidRowCountInLimitClause,
    /// 2201X invalid_row_count_in_result_offset_clause.
    InvalidRowCountInResultOffsetClause,
    /// 22001 string_data_right_truncation.
    StringDataRightTruncation,
    /// 22003 numeric_value_out_of_range.
    NumericValueOutOfRange,
    /// 22007 invalid_datetime_format.
    InvalidDatetimeFormat,
    /// 22008 datetime_field_overflow.
    DatetimeFieldOverflow,
    /// 22012 division_by_zero.
    DivisionByZero,
    /// 22023 invalid_parameter_value.
    InvalidParameterValue,
    /// 22P02 invalid_text_representation.
    InvalidTextRepresentation,
    /// 2200H sequence_generator_limit_exceeded.
    SequenceGeneratorLimitExceeded,
    /// 21000 cardinality_violation.
    CardinalityViolation,
    /// 23502 not_null_violation.
    NotNullViolation,
    /// 23503 foreign_key_violation.
    ForeignKeyViolation,
    /// 23505 unique_violation.
    UniqueViolation,
    /// 23514 check_violation.
    CheckViolation,
    /// 25001 active_sql_transaction.
    ActiveSqlTransaction,
    /// 25P01 no_active_sql_transaction.
    NoActiveSqlTransaction,
    /// 25P02 in_failed_sql_transaction.
    InFailedSqlTransaction,
    /// 2BP01 dependent_objects_still_exist.
    DependentObjectsStillExist,
    /// 3B001 invalid_savepoint_specification.
    InvalidSavepointSpecification,
    /// 3D000 invalid_catalog_name.
    InvalidCatalogName,
    /// 3F000 invalid_schema_name.
    InvalidSchemaName,
    /// 42601 syntax_error.
    SyntaxError,
    /// 42602 invalid_name.
    InvalidName,
    /// 42611 invalid_column_definition.
    InvalidColumnDefinition,
    /// 42701 duplicate_column.
    DuplicateColumn,
    /// 42702 ambiguous_column.
    AmbiguousColumn,
    /// 42703 undefined_column.
    UndefinedColumn,
    /// 42704 undefined_object.
    UndefinedObject,
    /// 42710 duplicate_object.
    DuplicateObject,
    /// 42712 duplicate_alias.
    DuplicateAlias,
    /// 42725 ambiguous_function.
    AmbiguousFunction,
    /// 42803 grouping_error.
    GroupingError,
    /// 42804 datatype_mismatch.
    DatatypeMismatch,
    /// 42809 wrong_object_type.
    WrongObjectType,
    /// 42830 invalid_foreign_key.
    InvalidForeignKey,
    /// 42846 cannot_coerce.
    CannotCoerce,
    /// 42883 undefined_function.
    UndefinedFunction,
    /// 42P01 undefined_table.
    UndefinedTable,
    /// 42P04 duplicate_database.
    DuplicateDatabase,
    /// 42P06 duplicate_schema.
    DuplicateSchema,
    /// 42P07 duplicate_table.
    DuplicateTable,
    /// 42P10 invalid_column_reference.
    InvalidColumnReference,
    /// 42P16 invalid_table_definition.
    InvalidTableDefinition,
    /// 42P18 indeterminate_datatype.
    IndeterminateDatatype,
    /// 42P20 windowing_error.
    WindowingError,
    /// 54001 statement_too_complex (stack depth limit exceeded).
    StatementTooComplex,
    /// 55006 object_in_use.
    ObjectInUse,
    /// 22011 substring_error.
    SubstringError,
    /// 54000 program_limit_exceeded.
    ProgramLimitExceeded,
    /// 2201F invalid_argument_for_power_function.
    InvalidArgumentForPowerFunction,
    /// 55000 object_not_in_prerequisite_state.
    ObjectNotInPrerequisiteState,
    /// 42939 reserved_name.
    ReservedName,
    /// XX000 internal_error: a bug in the engine, never expected.
    InternalError,
}

impl SqlState {
    /// The five-character SQLSTATE code, e.g. `"23505"`.
    pub fn code(self) -> &'static str {
        use SqlState::*;
        match self {
            FeatureNotSupported => "0A000",
            InvalidRowCountInLimitClause => "2201W",
            InvalidRowCountInResultOffsetClause => "2201X",
            StringDataRightTruncation => "22001",
            NumericValueOutOfRange => "22003",
            InvalidDatetimeFormat => "22007",
            DatetimeFieldOverflow => "22008",
            DivisionByZero => "22012",
            InvalidParameterValue => "22023",
            InvalidTextRepresentation => "22P02",
            SequenceGeneratorLimitExceeded => "2200H",
            CardinalityViolation => "21000",
            NotNullViolation => "23502",
            ForeignKeyViolation => "23503",
            UniqueViolation => "23505",
            CheckViolation => "23514",
            ActiveSqlTransaction => "25001",
            NoActiveSqlTransaction => "25P01",
            InFailedSqlTransaction => "25P02",
            DependentObjectsStillExist => "2BP01",
            InvalidSavepointSpecification => "3B001",
            InvalidCatalogName => "3D000",
            InvalidSchemaName => "3F000",
            SyntaxError => "42601",
            InvalidName => "42602",
            InvalidColumnDefinition => "42611",
            DuplicateColumn => "42701",
            AmbiguousColumn => "42702",
            UndefinedColumn => "42703",
            UndefinedObject => "42704",
            DuplicateObject => "42710",
            DuplicateAlias => "42712",
            AmbiguousFunction => "42725",
            GroupingError => "42803",
            DatatypeMismatch => "42804",
            WrongObjectType => "42809",
            InvalidForeignKey => "42830",
            CannotCoerce => "42846",
            UndefinedFunction => "42883",
            UndefinedTable => "42P01",
            DuplicateDatabase => "42P04",
            DuplicateSchema => "42P06",
            DuplicateTable => "42P07",
            InvalidColumnReference => "42P10",
            InvalidTableDefinition => "42P16",
            IndeterminateDatatype => "42P18",
            WindowingError => "42P20",
            StatementTooComplex => "54001",
            ObjectInUse => "55006",
            SubstringError => "22011",
            ProgramLimitExceeded => "54000",
            InvalidArgumentForPowerFunction => "2201F",
            ObjectNotInPrerequisiteState => "55000",
            ReservedName => "42939",
            InternalError => "XX000",
        }
    }
}

/// A NOTICE or WARNING sent alongside a result or an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// `NOTICE` or `WARNING`.
    pub severity: String,
    /// The primary message, without the severity prefix.
    pub message: String,
}

impl Notice {
    /// A `NOTICE:` message.
    pub fn new_notice(message: impl Into<String>) -> Self {
        Notice {
            severity: "NOTICE".into(),
            message: message.into(),
        }
    }
    /// A `WARNING:` message.
    pub fn new_warning(message: impl Into<String>) -> Self {
        Notice {
            severity: "WARNING".into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:  {}", self.severity, self.message)
    }
}

/// An error as PostgreSQL reports it: SQLSTATE, primary message, optional detail and hint, and
/// the 1-based character position in the statement that psql turns into a caret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError {
    /// The condition; `state.code()` is the SQLSTATE.
    pub state: SqlState,
    /// The primary message, without `ERROR:`.
    pub message: String,
    /// PostgreSQL's DETAIL line, if it sends one.
    pub detail: Option<String>,
    /// PostgreSQL's HINT line, if it sends one.
    pub hint: Option<String>,
    /// 1-based character offset into the statement text, if PostgreSQL reports one.
    pub position: Option<usize>,
    /// Notices raised by the statement before it failed.
    pub notices: Vec<Notice>,
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ERROR:  {}", self.message)?;
        if let Some(d) = &self.detail {
            write!(f, "\nDETAIL:  {d}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\nHINT:  {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SqlError {}

/// Quotes an identifier for a message the way PostgreSQL's `quote_identifier` does.
fn q(s: &str) -> String {
    format!("\"{s}\"")
}

impl SqlError {
    /// A bare error with a state and message; prefer the named constructors.
    pub fn new(state: SqlState, message: impl Into<String>) -> Self {
        SqlError {
            state,
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
            notices: Vec::new(),
        }
    }

    /// The SQLSTATE code, e.g. `"42P01"`.
    pub fn code(&self) -> &'static str {
        self.state.code()
    }

    /// Adds a DETAIL line.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds a HINT line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the 1-based character position, unless one is already set.
    pub fn at(mut self, position: Option<usize>) -> Self {
        if self.position.is_none() {
            self.position = position;
        }
        self
    }

    /// The text psql prints for this error after running `statement`: the `ERROR:` line, then
    /// `LINE n:` with the statement line and a caret under the error position (when there is
    /// one), then `DETAIL:` and `HINT:`.
    pub fn psql_report(&self, statement: &str) -> String {
        let mut out = format!("ERROR:  {}", self.message);
        if let Some(pos) = self.position {
            out.push('\n');
            out.push_str(&caret_lines(statement, pos));
        }
        if let Some(d) = &self.detail {
            out.push_str(&format!("\nDETAIL:  {d}"));
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!("\nHINT:  {h}"));
        }
        out
    }

    // ----- syntax and limits -----

    /// 42601: the grammar failed at a token.
    pub fn syntax_error_at(token: &str, position: usize) -> Self {
        Self::new(
            SqlState::SyntaxError,
            format!("syntax error at or near {}", q(token)),
        )
        .at(Some(position))
    }
    /// 42601: the statement ended too early.
    pub fn syntax_error_at_end(position: usize) -> Self {
        Self::new(SqlState::SyntaxError, "syntax error at end of input").at(Some(position))
    }
    /// 42601: a quoted string is not closed.
    pub fn unterminated_string(rest: &str, position: usize) -> Self {
        Self::new(
            SqlState::SyntaxError,
            format!("unterminated quoted string at or near {}", q(rest)),
        )
        .at(Some(position))
    }
    /// 42601: a quoted identifier is not closed.
    pub fn unterminated_identifier(rest: &str, position: usize) -> Self {
        Self::new(
            SqlState::SyntaxError,
            format!("unterminated quoted identifier at or near {}", q(rest)),
        )
        .at(Some(position))
    }
    /// 42601: a generic syntax error with a custom message.
    pub fn syntax(message: impl Into<String>) -> Self {
        Self::new(SqlState::SyntaxError, message)
    }
    /// 54001: nesting too deep for the parser or executor.
    pub fn stack_depth_exceeded() -> Self {
        Self::new(SqlState::StatementTooComplex, "stack depth limit exceeded").with_hint(
            "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.",
        )
    }
    /// 42601: the empty statement cannot be run through `execute`.
    pub fn empty_query() -> Self {
        Self::new(SqlState::SyntaxError, "empty query")
    }
    /// 0A000: a feature this simulator does not implement.
    pub fn not_supported(what: impl Into<String>) -> Self {
        Self::new(
            SqlState::FeatureNotSupported,
            format!("{} is not supported", what.into()),
        )
    }
    /// 0A000 with PostgreSQL's own message.
    pub fn not_supported_message(message: impl Into<String>) -> Self {
        Self::new(SqlState::FeatureNotSupported, message)
    }
    /// XX000: an internal invariant failed.
    pub fn internal(what: impl Into<String>) -> Self {
        Self::new(SqlState::InternalError, what.into())
    }

    // ----- relations, schemas, columns -----

    /// 42P01 for a relation in an expression or DML statement.
    pub fn undefined_relation(name: &str) -> Self {
        Self::new(
            SqlState::UndefinedTable,
            format!("relation {} does not exist", q(name)),
        )
    }
    /// 42P01 as DROP TABLE words it.
    pub fn undefined_table_drop(name: &str) -> Self {
        Self::new(
            SqlState::UndefinedTable,
            format!("table {} does not exist", q(name)),
        )
    }
    /// 42704 DROP INDEX on a missing index.
    pub fn undefined_index(name: &str) -> Self {
        Self::new(
            SqlState::UndefinedObject,
            format!("index {} does not exist", q(name)),
        )
    }
    /// 42P01 DROP SEQUENCE on a missing sequence.
    pub fn undefined_sequence(name: &str) -> Self {
        Self::new(
            SqlState::UndefinedTable,
            format!("sequence {} does not exist", q(name)),
        )
    }
    /// 42809 an object exists but is of the wrong kind.
    pub fn wrong_object_type(name: &str, kind: &str) -> Self {
        Self::new(
            SqlState::WrongObjectType,
            format!("{} is not {kind}", q(name)),
        )
    }
    /// 42P01 a qualified column names a table missing from FROM.
    pub fn missing_from_entry(table: &str) -> Self {
        Self::new(
            SqlState::UndefinedTable,
            format!("missing FROM-clause entry for table {}", q(table)),
        )
    }
    /// 42P01 a qualified column names a table that was given an alias.
    pub fn invalid_from_reference(table: &str, alias: &str) -> Self {
        Self::new(
            SqlState::UndefinedTable,
            format!(
                "invalid reference to FROM-clause entry for table {}",
                q(table)
            ),
        )
        .with_hint(format!(
            "Perhaps you meant to reference the table alias {}.",
            q(alias)
        ))
    }
    /// 42P07 relation name taken.
    pub fn duplicate_relation(name: &str) -> Self {
        Self::new(
            SqlState::DuplicateTable,
            format!("relation {} already exists", q(name)),
        )
    }
    /// 42P06 schema name taken.
    pub fn duplicate_schema(name: &str) -> Self {
        Self::new(
            SqlState::DuplicateSchema,
            format!("schema {} already exists", q(name)),
        )
    }
    /// 3F000 schema missing.
    pub fn undefined_schema(name: &str) -> Self {
        Self::new(
            SqlState::InvalidSchemaName,
            format!("schema {} does not exist", q(name)),
        )
    }
    /// 3F000 search_path has no existing schema.
    pub fn no_schema_selected() -> Self {
        Self::new(
            SqlState::InvalidSchemaName,
            "no schema has been selected to create in",
        )
    }
    /// 42703 column in an expression.
    pub fn undefined_column(name: &str) -> Self {
        Self::new(
            SqlState::UndefinedColumn,
            format!("column {} does not exist", q(name)),
        )
    }
    /// 42703 qualified column in an expression (no quotes, as PostgreSQL prints it).
    pub fn undefined_qualified_column(table: &str, name: &str) -> Self {
        Self::new(
            SqlState::UndefinedColumn,
            format!("column {table}.{name} does not exist"),
        )
    }
    /// 42703 column named as a target of INSERT/UPDATE/ALTER.
    pub fn undefined_column_of(name: &str, table: &str) -> Self {
        Self::new(
            SqlState::UndefinedColumn,
            format!("column {} of relation {} does not exist", q(name), q(table)),
        )
    }
    /// 42703 key column in CREATE TABLE / ADD CONSTRAINT.
    pub fn key_column_missing(name: &str) -> Self {
        Self::new(
            SqlState::UndefinedColumn,
            format!("column {} named in key does not exist", q(name)),
        )
    }
    /// 42703 FK column.
    pub fn fk_column_missing(name: &str) -> Self {
        Self::new(
            SqlState::UndefinedColumn,
            format!(
                "column {} referenced in foreign key constraint does not exist",
                q(name)
            ),
        )
    }
    /// 42703 JOIN … USING names a column one side lacks.
    pub fn using_column_missing(col: &str, side: &str) -> Self {
        Self::new(
            SqlState::UndefinedColumn,
            format!(
                "column {} specified in USING clause does not exist in {side} table",
                q(col)
            ),
        )
    }
    /// 42702 ambiguous reference.
    pub fn ambiguous_column(name: &str) -> Self {
        Self::new(
            SqlState::AmbiguousColumn,
            format!("column reference {} is ambiguous", q(name)),
        )
    }
    /// 42701 duplicate column in CREATE TABLE.
    pub fn duplicate_column_in_create(name: &str) -> Self {
        Self::new(
            SqlState::DuplicateColumn,
            format!("column {} specified more than once", q(name)),
        )
    }
    /// 42701 column already in the table (ADD COLUMN, RENAME).
    pub fn duplicate_column_of(name: &str, table: &str) -> Self {
        Self::new(
            SqlState::DuplicateColumn,
            format!("column {} of relation {} already exists", q(name), q(table)),
        )
    }
    /// 42712 duplicate alias in FROM.
    pub fn duplicate_alias(name: &str) -> Self {
        Self::new(
            SqlState::DuplicateAlias,
            format!("table name {} specified more than once", q(name)),
        )
    }
    /// 42704 unknown type name.
    pub fn undefined_type(name: &str) -> Self {
        Self::new(
            SqlState::UndefinedObject,
            format!("type {} does not exist", q(name)),
        )
    }
    /// 42P16 second primary key.
    pub fn multiple_primary_keys(table: &str) -> Self {
        Self::new(
            SqlState::InvalidTableDefinition,
            format!(
                "multiple primary keys for table {} are not allowed",
                q(table)
            ),
        )
    }
    /// 42710 constraint name already used on the table.
    pub fn duplicate_constraint(name: &str, table: &str) -> Self {
        Self::new(
            SqlState::DuplicateObject,
            format!(
                "constraint {} for relation {} already exists",
                q(name),
                q(table)
            ),
        )
    }
    /// 42704 DROP CONSTRAINT of a missing constraint.
    pub fn undefined_constraint(name: &str, table: &str) -> Self {
        Self::new(
            SqlState::UndefinedObject,
            format!(
                "constraint {} of relation {} does not exist",
                q(name),
                q(table)
            ),
        )
    }
    /// 2BP01 dependent objects block a DROP.
    pub fn dependent_objects(what: &str, detail: String) -> Self {
        Self::new(
            SqlState::DependentObjectsStillExist,
            format!("cannot drop {what} because other objects depend on it"),
        )
        .with_detail(detail)
        .with_hint("Use DROP ... CASCADE to drop the dependent objects too.")
    }
    /// 2BP01 when a DROP names several objects.
    pub fn dependent_objects_multi(detail: String) -> Self {
        Self::new(
            SqlState::DependentObjectsStillExist,
            "cannot drop desired object(s) because other objects depend on them",
        )
        .with_detail(detail)
        .with_hint("Use DROP ... CASCADE to drop the dependent objects too.")
    }
    /// 42P04 CREATE DATABASE of an existing name.
    pub fn duplicate_database(name: &str) -> Self {
        Self::new(
            SqlState::DuplicateDatabase,
            format!("database {} already exists", q(name)),
        )
    }
    /// 3D000 unknown database.
    pub fn undefined_database(name: &str) -> Self {
        Self::new(
            SqlState::InvalidCatalogName,
            format!("database {} does not exist", q(name)),
        )
    }

    // ----- foreign key definitions -----

    /// 42830 referenced columns are not a PK/UNIQUE.
    pub fn fk_no_unique(table: &str) -> Self {
        Self::new(
            SqlState::InvalidForeignKey,
            format!(
                "there is no unique constraint matching given keys for referenced table {}",
                q(table)
            ),
        )
    }
    /// 42804 FK column types cannot be compared.
    pub fn fk_type_mismatch(name: &str, col: &str, refcol: &str, t1: &str, t2: &str) -> Self {
        Self::new(
            SqlState::DatatypeMismatch,
            format!("foreign key constraint {} cannot be implemented", q(name)),
        )
        .with_detail(format!(
            "Key columns {} and {} are of incompatible types: {t1} and {t2}.",
            q(col),
            q(refcol)
        ))
    }
    /// 42830 FK column count mismatch.
    pub fn fk_count_mismatch() -> Self {
        Self::new(
            SqlState::InvalidForeignKey,
            "number of referencing and referenced columns for foreign key disagree",
        )
    }

    // ----- data -----

    /// 23502 NULL into a NOT NULL column.
    pub fn not_null_violation(col: &str, table: &str, row: &str) -> Self {
        Self::new(
            SqlState::NotNullViolation,
            format!(
                "null value in column {} of relation {} violates not-null constraint",
                q(col),
                q(table)
            ),
        )
        .with_detail(format!("Failing row contains ({row})."))
    }
    /// 23502 SET NOT NULL / ADD COLUMN NOT NULL over existing NULLs.
    pub fn column_contains_nulls(col: &str, table: &str) -> Self {
        Self::new(
            SqlState::NotNullViolation,
            format!(
                "column {} of relation {} contains null values",
                q(col),
                q(table)
            ),
        )
    }
    /// 23505 duplicate key.
    pub fn unique_violation(constraint: &str, cols: &str, vals: &str) -> Self {
        Self::new(
            SqlState::UniqueViolation,
            format!(
                "duplicate key value violates unique constraint {}",
                q(constraint)
            ),
        )
        .with_detail(format!("Key ({cols})=({vals}) already exists."))
    }
    /// 23505 building a unique index over duplicated data.
    pub fn unique_index_build(index: &str, cols: &str, vals: &str) -> Self {
        Self::new(
            SqlState::UniqueViolation,
            format!("could not create unique index {}", q(index)),
        )
        .with_detail(format!("Key ({cols})=({vals}) is duplicated."))
    }
    /// 23514 a new row fails a CHECK.
    pub fn check_violation(table: &str, constraint: &str, row: &str) -> Self {
        Self::new(
            SqlState::CheckViolation,
            format!(
                "new row for relation {} violates check constraint {}",
                q(table),
                q(constraint)
            ),
        )
        .with_detail(format!("Failing row contains ({row})."))
    }
    /// 23514 ADD CONSTRAINT CHECK over violating rows.
    pub fn check_violated_by_some_row(constraint: &str, table: &str) -> Self {
        Self::new(
            SqlState::CheckViolation,
            format!(
                "check constraint {} of relation {} is violated by some row",
                q(constraint),
                q(table)
            ),
        )
    }
    /// 23503 child row without parent.
    pub fn fk_violation_insert(
        table: &str,
        constraint: &str,
        cols: &str,
        vals: &str,
        parent: &str,
    ) -> Self {
        Self::new(
            SqlState::ForeignKeyViolation,
            format!(
                "insert or update on table {} violates foreign key constraint {}",
                q(table),
                q(constraint)
            ),
        )
        .with_detail(format!(
            "Key ({cols})=({vals}) is not present in table {}.",
            q(parent)
        ))
    }
    /// 23503 parent still referenced.
    pub fn fk_violation_delete(
        parent: &str,
        constraint: &str,
        child: &str,
        cols: &str,
        vals: &str,
    ) -> Self {
        Self::new(
            SqlState::ForeignKeyViolation,
            format!(
                "update or delete on table {} violates foreign key constraint {} on table {}",
                q(parent),
                q(constraint),
                q(child)
            ),
        )
        .with_detail(format!(
            "Key ({cols})=({vals}) is still referenced from table {}.",
            q(child)
        ))
    }
    /// 22P02 bad text for a type.
    pub fn invalid_input(type_name: &str, text: &str) -> Self {
        Self::new(
            SqlState::InvalidTextRepresentation,
            format!("invalid input syntax for type {type_name}: {}", q(text)),
        )
    }
    /// 22P02 bad JSON.
    pub fn invalid_json(detail: impl Into<String>) -> Self {
        Self::new(
            SqlState::InvalidTextRepresentation,
            "invalid input syntax for type json",
        )
        .with_detail(detail)
    }
    /// 22007 bad date/time text.
    pub fn invalid_datetime(type_name: &str, text: &str) -> Self {
        Self::new(
            SqlState::InvalidDatetimeFormat,
            format!("invalid input syntax for type {type_name}: {}", q(text)),
        )
    }
    /// 22008 date/time field out of range.
    pub fn datetime_out_of_range(text: &str) -> Self {
        Self::new(
            SqlState::DatetimeFieldOverflow,
            format!("date/time field value out of range: {}", q(text)),
        )
    }
    /// 22001 too long for varchar(n)/char(n).
    pub fn value_too_long(type_name: &str) -> Self {
        Self::new(
            SqlState::StringDataRightTruncation,
            format!("value too long for type {type_name}"),
        )
    }
    /// 22003 integer overflow.
    pub fn out_of_range(type_word: &str) -> Self {
        Self::new(
            SqlState::NumericValueOutOfRange,
            format!("{type_word} out of range"),
        )
    }
    /// 22003 value out of range for a type when converting text.
    pub fn value_out_of_range_for_type(text: &str, type_name: &str) -> Self {
        Self::new(
            SqlState::NumericValueOutOfRange,
            format!("value \"{text}\" is out of range for type {type_name}"),
        )
    }
    /// 22003 numeric(p,s) overflow.
    pub fn numeric_field_overflow(precision: u32, scale: u32) -> Self {
        let exp = precision as i64 - scale as i64;
        let detail = if exp == 0 {
            format!("A field with precision {precision}, scale {scale} must round to an absolute value less than 1.")
        } else {
            format!("A field with precision {precision}, scale {scale} must round to an absolute value less than 10^{exp}.")
        };
        Self::new(SqlState::NumericValueOutOfRange, "numeric field overflow").with_detail(detail)
    }
    /// 22012 division by zero.
    pub fn division_by_zero() -> Self {
        Self::new(SqlState::DivisionByZero, "division by zero")
    }
    /// 22023 invalid parameter value (e.g. varchar(0)).
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(SqlState::InvalidParameterValue, message)
    }
    /// 2201W negative LIMIT.
    pub fn negative_limit() -> Self {
        Self::new(
            SqlState::InvalidRowCountInLimitClause,
            "LIMIT must not be negative",
        )
    }
    /// 2201X negative OFFSET.
    pub fn negative_offset() -> Self {
        Self::new(
            SqlState::InvalidRowCountInResultOffsetClause,
            "OFFSET must not be negative",
        )
    }
    /// 21000 scalar subquery with several rows.
    pub fn subquery_multiple_rows() -> Self {
        Self::new(
            SqlState::CardinalityViolation,
            "more than one row returned by a subquery used as an expression",
        )
    }
    /// 21000 ON CONFLICT DO UPDATE hitting one row twice.
    pub fn on_conflict_twice() -> Self {
        Self::new(
            SqlState::CardinalityViolation,
            "ON CONFLICT DO UPDATE command cannot affect row a second time",
        )
        .with_hint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")
    }
    /// 2200H sequence exhausted: `bound` is its MAXVALUE (`ascending`) or MINVALUE.
    pub fn sequence_limit(name: &str, ascending: bool, bound: i64) -> Self {
        let which = if ascending { "maximum" } else { "minimum" };
        Self::new(
            SqlState::SequenceGeneratorLimitExceeded,
            format!(
                "nextval: reached {which} value of sequence {} ({bound})",
                q(name)
            ),
        )
    }
    /// 22003 setval outside the sequence's MINVALUE..MAXVALUE.
    pub fn setval_out_of_bounds(value: i64, name: &str, min: i64, max: i64) -> Self {
        Self::new(
            SqlState::NumericValueOutOfRange,
            format!(
                "setval: value {value} is out of bounds for sequence {} ({min}..{max})",
                q(name)
            ),
        )
    }
    /// 55000 lastval before any nextval (or after its sequence was dropped).
    pub fn lastval_not_defined() -> Self {
        Self::new(
            SqlState::ObjectNotInPrerequisiteState,
            "lastval is not yet defined in this session",
        )
    }
    /// 42601 an option given twice (CREATE/ALTER SEQUENCE).
    pub fn conflicting_options() -> Self {
        Self::new(SqlState::SyntaxError, "conflicting or redundant options")
    }

    // ----- typing -----

    /// 42804 assignment of an incompatible expression type.
    pub fn column_type_mismatch(col: &str, col_type: &str, expr_type: &str) -> Self {
        Self::new(
            SqlState::DatatypeMismatch,
            format!(
                "column {} is of type {col_type} but expression is of type {expr_type}",
                q(col)
            ),
        )
        .with_hint("You will need to rewrite or cast the expression.")
    }
    /// 42804 ALTER COLUMN TYPE without a cast.
    pub fn cannot_cast_automatically(col: &str, ty: &str) -> Self {
        Self::new(
            SqlState::DatatypeMismatch,
            format!(
                "column {} cannot be cast automatically to type {ty}",
                q(col)
            ),
        )
        .with_hint(format!("You might need to specify \"USING {col}::{ty}\"."))
    }
    /// 42804 default expression type mismatch.
    pub fn default_type_mismatch(col: &str, col_type: &str, expr_type: &str) -> Self {
        Self::new(
            SqlState::DatatypeMismatch,
            format!(
                "column {} is of type {col_type} but default expression is of type {expr_type}",
                q(col)
            ),
        )
        .with_hint("You will need to rewrite or cast the expression.")
    }
    /// 42804 non-boolean condition.
    pub fn argument_must_be_boolean(ctx: &str, ty: &str) -> Self {
        Self::new(
            SqlState::DatatypeMismatch,
            format!("argument of {ctx} must be type boolean, not type {ty}"),
        )
    }
    /// 42883 no such operator.
    pub fn undefined_operator(left: Option<&str>, op: &str, right: &str) -> Self {
        // A prefix operator has one argument, and PostgreSQL words the hint for one.
        let (sig, hint) = match left {
            Some(l) => (
                format!("{l} {op} {right}"),
                "No operator matches the given name and argument types. You might need to add explicit type casts.",
            ),
            None => (
                format!("{op} {right}"),
                "No operator matches the given name and argument type. You might need to add an explicit type cast.",
            ),
        };
        Self::new(
            SqlState::UndefinedFunction,
            format!("operator does not exist: {sig}"),
        )
        .with_hint(hint)
    }
    /// 42883 no such function.
    pub fn undefined_function(name: &str, args: &str) -> Self {
        Self::new(SqlState::UndefinedFunction, format!("function {name}({args}) does not exist")).with_hint(
            "No function matches the given name and argument types. You might need to add explicit type casts.",
        )
    }
    /// 42846 no cast between two types.
    pub fn cannot_cast(from: &str, to: &str) -> Self {
        Self::new(
            SqlState::CannotCoerce,
            format!("cannot cast type {from} to {to}"),
        )
    }
    /// 42804 CASE/COALESCE/UNION branches of different types.
    pub fn cannot_match_types(ctx: &str, t1: &str, t2: &str) -> Self {
        Self::new(
            SqlState::DatatypeMismatch,
            format!("{ctx} types {t1} and {t2} cannot be matched"),
        )
    }
    /// 42803 aggregate where it is not allowed.
    pub fn aggregate_not_allowed(clause: &str) -> Self {
        Self::new(
            SqlState::GroupingError,
            format!("aggregate functions are not allowed in {clause}"),
        )
    }
    /// 42803 nested aggregate.
    pub fn nested_aggregate() -> Self {
        Self::new(
            SqlState::GroupingError,
            "aggregate function calls cannot be nested",
        )
    }
    /// 42803 column neither grouped nor aggregated.
    pub fn must_group_by(col: &str) -> Self {
        Self::new(
            SqlState::GroupingError,
            format!("column {col} must appear in the GROUP BY clause or be used in an aggregate function"),
        )
    }
    /// 42P10 ORDER BY position out of range.
    pub fn order_by_position(n: i64) -> Self {
        Self::new(
            SqlState::InvalidColumnReference,
            format!("ORDER BY position {n} is not in select list"),
        )
    }
    /// 42P10 GROUP BY position out of range.
    pub fn group_by_position(n: i64) -> Self {
        Self::new(
            SqlState::InvalidColumnReference,
            format!("GROUP BY position {n} is not in select list"),
        )
    }
    /// 42P10 DISTINCT with a foreign ORDER BY.
    pub fn distinct_order_by() -> Self {
        Self::new(
            SqlState::InvalidColumnReference,
            "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
        )
    }
    /// 42P10 ON CONFLICT target without a matching constraint.
    pub fn no_conflict_constraint() -> Self {
        Self::new(
            SqlState::InvalidColumnReference,
            "there is no unique or exclusion constraint matching the ON CONFLICT specification",
        )
    }
    /// 42601 INSERT has more expressions than columns.
    pub fn insert_more_expressions() -> Self {
        Self::new(
            SqlState::SyntaxError,
            "INSERT has more expressions than target columns",
        )
    }
    /// 42601 INSERT has more columns than expressions.
    pub fn insert_more_targets() -> Self {
        Self::new(
            SqlState::SyntaxError,
            "INSERT has more target columns than expressions",
        )
    }
    /// 42601 VALUES lists of different lengths.
    pub fn values_lists_length() -> Self {
        Self::new(
            SqlState::SyntaxError,
            "VALUES lists must all be the same length",
        )
    }
    /// 42701 repeated target column.
    pub fn column_assigned_twice(col: &str) -> Self {
        Self::new(
            SqlState::DuplicateColumn,
            format!("column {} specified more than once", q(col)),
        )
    }
    /// 42601 subquery must return one column.
    pub fn subquery_one_column() -> Self {
        Self::new(
            SqlState::SyntaxError,
            "subquery must return only one column",
        )
    }
    /// 42P18 / 42804 generic datatype mismatch with a custom message.
    pub fn datatype_mismatch(message: impl Into<String>) -> Self {
        Self::new(SqlState::DatatypeMismatch, message)
    }
    /// 42P10 set-operation column count mismatch.
    pub fn set_op_columns(op: &str) -> Self {
        Self::new(
            SqlState::SyntaxError,
            format!("each {op} query must have the same number of columns"),
        )
    }

    // ----- transactions -----

    /// 25P02 aborted transaction.
    pub fn in_failed_transaction() -> Self {
        Self::new(
            SqlState::InFailedSqlTransaction,
            "current transaction is aborted, commands ignored until end of transaction block",
        )
    }
    /// 25P01 savepoint command outside a block.
    pub fn no_transaction_block(command: &str) -> Self {
        Self::new(
            SqlState::NoActiveSqlTransaction,
            format!("{command} can only be used in transaction blocks"),
        )
    }
    /// 3B001 unknown savepoint.
    pub fn undefined_savepoint(name: &str) -> Self {
        Self::new(
            SqlState::InvalidSavepointSpecification,
            format!("savepoint {} does not exist", q(name)),
        )
    }
    /// 25001 statement not allowed inside a transaction block.
    pub fn inside_transaction_block(command: &str) -> Self {
        Self::new(
            SqlState::ActiveSqlTransaction,
            format!("{command} cannot run inside a transaction block"),
        )
    }
    /// 42704 unknown configuration parameter.
    pub fn unknown_parameter(name: &str) -> Self {
        Self::new(
            SqlState::UndefinedObject,
            format!("unrecognized configuration parameter {}", q(name)),
        )
    }
}

/// psql's `LINE n:` excerpt with a caret under the 1-based character `position` of `statement`.
///
/// psql shows the line containing the position; when the line is wider than its display limit it
/// cuts the text around the caret and marks the cuts with `...`.
pub fn caret_lines(statement: &str, position: usize) -> String {
    let chars: Vec<char> = statement.chars().collect();
    let pos0 = position.saturating_sub(1).min(chars.len());
    // Find the line containing the position.
    let mut line_no = 1;
    let mut line_start = 0;
    for (i, c) in chars.iter().enumerate().take(pos0) {
        if *c == '\n' {
            line_no += 1;
            line_start = i + 1;
        }
    }
    let line_end = chars[line_start..]
        .iter()
        .position(|c| *c == '\n' || *c == '\r')
        .map_or(chars.len(), |p| line_start + p);
    let line: Vec<char> = chars[line_start..line_end]
        .iter()
        .map(|c| if *c == '\t' { ' ' } else { *c })
        .collect();
    let loc = pos0 - line_start;
    // psql (reportErrorPosition): at most 60 columns, keeping 10 columns right of the caret.
    const DISPLAY: usize = 60;
    const MIN_RIGHT_CUT: usize = 10;
    let (mut ibeg, mut iend) = (0, line.len());
    let (mut beg_trunc, mut end_trunc) = (false, false);
    if line.len() > DISPLAY {
        if loc + MIN_RIGHT_CUT < DISPLAY {
            iend = DISPLAY;
            end_trunc = true;
        } else {
            if loc + MIN_RIGHT_CUT < iend {
                iend = loc + MIN_RIGHT_CUT;
                end_trunc = true;
            }
            while iend - ibeg > DISPLAY {
                ibeg += 1;
                beg_trunc = true;
            }
        }
    }
    let text: String = line[ibeg..iend].iter().collect();
    let prefix = format!("LINE {line_no}: ");
    let head = if beg_trunc { "..." } else { "" };
    let tail = if end_trunc { "..." } else { "" };
    let pad = prefix.len() + head.len() + loc.saturating_sub(ibeg);
    format!("{prefix}{head}{text}{tail}\n{}^", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_lines_match_psql() {
        let long = "SELECT relname, relkind, relnamespace, reltuples, relpages, relallvisible, reltoastrelid, relhasindex, nme FROM pg_class WHERE relname = 'x';";
        let start = "SELECT nme, relname, relkind, relnamespace, reltuples, relpages, relallvisible, reltoastrelid, relhasindex, relname FROM pg_class;";
        for (sql, pos, out) in [
            ("SELECT nme FROM pg_class;", 8, "LINE 1: SELECT nme FROM pg_class;\n               ^"),
            (long, long.find("nme").unwrap_or(0) + 1, "LINE 1: ...pages, relallvisible, reltoastrelid, relhasindex, nme FROM p...\n                                                             ^"),
            (start, 8, "LINE 1: SELECT nme, relname, relkind, relnamespace, reltuples, relpa...\n               ^"),
            ("SELECT 1,\n  nme\nFROM pg_class;", 13, "LINE 2:   nme\n          ^"),
        ] {
            assert_eq!(caret_lines(sql, pos), out, "{sql}");
        }
    }

    #[test]
    fn psql_report_adds_detail_and_hint() {
        let e = SqlError::undefined_column("nme")
            .with_hint("Perhaps you meant to reference the column \"users.name\".")
            .at(Some(8));
        assert_eq!(
            e.psql_report("SELECT nme FROM users;"),
            "ERROR:  column \"nme\" does not exist\nLINE 1: SELECT nme FROM users;\n               ^\nHINT:  Perhaps you meant to reference the column \"users.name\"."
        );
        let e = SqlError::unique_violation("users_pkey", "id", "1");
        assert_eq!(e.to_string(), "ERROR:  duplicate key value violates unique constraint \"users_pkey\"\nDETAIL:  Key (id)=(1) already exists.");
    }
}

//! The abstract syntax tree built by `parser.rs`, free of pest types.
//!
//! Identifiers are already case-folded (unquoted → lower case). `pos` fields are 0-based byte
//! offsets into the statement text; errors turn them into PostgreSQL's 1-based character
//! positions.

/// A possibly schema-qualified name.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectName {
    /// The schema, if written.
    pub schema: Option<String>,
    /// The object's own name.
    pub name: String,
    /// Byte offset of the name in the statement.
    pub pos: usize,
}

impl ObjectName {
    /// `schema.name` or `name`, as PostgreSQL echoes it in "relation … does not exist".
    pub fn display(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// One SQL statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// SELECT … (also VALUES and set operations)
    Select(Box<Query>),
    /// INSERT INTO …
    Insert(Box<Insert>),
    /// UPDATE … SET …
    Update(Box<Update>),
    /// DELETE FROM …
    Delete(Box<Delete>),
    /// CREATE TABLE …
    CreateTable(Box<CreateTable>),
    /// DROP TABLE / SEQUENCE / INDEX / VIEW …
    Drop(DropStmt),
    /// ALTER TABLE …
    AlterTable(Box<AlterTable>),
    /// CREATE SCHEMA \[IF NOT EXISTS\] name
    CreateSchema {
        /// Schema name.
        name: String,
        /// IF NOT EXISTS given.
        if_not_exists: bool,
    },
    /// CREATE \[UNIQUE\] INDEX …
    CreateIndex(Box<CreateIndex>),
    /// CREATE SEQUENCE \[IF NOT EXISTS\] name options
    CreateSequence {
        /// Sequence name.
        name: ObjectName,
        /// IF NOT EXISTS given.
        if_not_exists: bool,
        /// The options in the order written (repeats are kept, to be refused).
        options: Vec<SeqOption>,
    },
    /// ALTER SEQUENCE \[IF EXISTS\] name options
    AlterSequence {
        /// Sequence name.
        name: ObjectName,
        /// IF EXISTS given.
        if_exists: bool,
        /// The options in the order written, never empty.
        options: Vec<SeqOption>,
    },
    /// CREATE DATABASE name
    CreateDatabase(String),
    /// DROP DATABASE \[IF EXISTS\] name
    DropDatabase {
        /// Database name.
        name: String,
        /// IF EXISTS given.
        if_exists: bool,
    },
    /// BEGIN / START TRANSACTION
    Begin {
        /// The tag PostgreSQL answers with (`BEGIN` or `START TRANSACTION`).
        tag: &'static str,
    },
    /// COMMIT / END \[AND \[NO\] CHAIN\]
    Commit {
        /// AND CHAIN given: a new transaction starts as this one ends.
        chain: bool,
    },
    /// ROLLBACK / ABORT \[AND \[NO\] CHAIN\]
    Rollback {
        /// AND CHAIN given: a new transaction starts as this one ends.
        chain: bool,
    },
    /// SAVEPOINT name
    Savepoint(String),
    /// RELEASE \[SAVEPOINT\] name
    Release(String),
    /// ROLLBACK TO \[SAVEPOINT\] name
    RollbackTo(String),
    /// SET name TO/= values
    Set {
        /// Parameter name.
        name: String,
        /// Values (identifiers or literals), empty for DEFAULT.
        values: Vec<String>,
    },
    /// SHOW name
    Show(String),
    /// RESET name
    Reset(String),
    /// TRUNCATE \[TABLE\] names
    Truncate(Vec<ObjectName>),
    /// A statement with nothing to do (e.g. an empty string).
    Empty,
}

/// DROP TABLE / INDEX / SEQUENCE / SCHEMA.
#[derive(Clone, Debug, PartialEq)]
pub struct DropStmt {
    /// What kind of object.
    pub kind: DropKind,
    /// The names, in order.
    pub names: Vec<ObjectName>,
    /// IF EXISTS given.
    pub if_exists: bool,
    /// CASCADE given.
    pub cascade: bool,
}

/// One option of CREATE or ALTER SEQUENCE.
#[derive(Clone, Debug, PartialEq)]
pub enum SeqOption {
    /// AS type
    As(TypeName),
    /// INCREMENT \[BY\] n
    Increment(i64),
    /// MINVALUE n, or NO MINVALUE (None).
    MinValue(Option<i64>),
    /// MAXVALUE n, or NO MAXVALUE (None).
    MaxValue(Option<i64>),
    /// START \[WITH\] n
    Start(i64),
    /// RESTART \[\[WITH\] n\] (None: back to the start value).
    Restart(Option<i64>),
    /// CACHE n
    Cache(i64),
    /// CYCLE (true) or NO CYCLE (false).
    Cycle(bool),
    /// OWNED BY table.column or NONE (accepted, not recorded).
    OwnedBy,
}

impl SeqOption {
    /// Which option this is, for PostgreSQL's "conflicting or redundant options": the same
    /// kind written twice is refused whatever the values.
    pub fn kind(&self) -> u8 {
        match self {
            SeqOption::As(_) => 0,
            SeqOption::Increment(_) => 1,
            SeqOption::MinValue(_) => 2,
            SeqOption::MaxValue(_) => 3,
            SeqOption::Start(_) => 4,
            SeqOption::Restart(_) => 5,
            SeqOption::Cache(_) => 6,
            SeqOption::Cycle(_) => 7,
            SeqOption::OwnedBy => 8,
        }
    }
}

/// The kind of object a DROP names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropKind {
    /// DROP TABLE
    Table,
    /// DROP INDEX
    Index,
    /// DROP SEQUENCE
    Sequence,
    /// DROP SCHEMA
    Schema,
}

/// A query: a select body with ORDER BY / LIMIT / OFFSET.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The body.
    pub body: SetExpr,
    /// ORDER BY items.
    pub order_by: Vec<OrderItem>,
    /// LIMIT expression (None for LIMIT ALL or absent).
    pub limit: Option<Expr>,
    /// OFFSET expression.
    pub offset: Option<Expr>,
}

/// A select body, VALUES list, or set operation.
#[derive(Clone, Debug, PartialEq)]
pub enum SetExpr {
    /// SELECT …
    Select(Box<Select>),
    /// VALUES (…), (…)
    Values(Vec<Vec<Expr>>),
    /// UNION / INTERSECT / EXCEPT
    SetOp {
        /// Which operation.
        op: SetOp,
        /// ALL given.
        all: bool,
        /// Left input.
        left: Box<SetExpr>,
        /// Right input.
        right: Box<SetExpr>,
    },
    /// A parenthesised query.
    Query(Box<Query>),
}

/// Set operation kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    /// UNION
    Union,
    /// INTERSECT
    Intersect,
    /// EXCEPT
    Except,
}

/// SELECT list, FROM, WHERE, GROUP BY, HAVING.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    /// DISTINCT given.
    pub distinct: bool,
    /// The output list.
    pub items: Vec<SelectItem>,
    /// FROM items (comma-separated).
    pub from: Vec<TableRef>,
    /// WHERE condition.
    pub where_: Option<Expr>,
    /// GROUP BY expressions.
    pub group_by: Vec<Expr>,
    /// HAVING condition.
    pub having: Option<Expr>,
}

/// One entry of the SELECT list.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectItem {
    /// `*`
    Wildcard(usize),
    /// `t.*`
    QualifiedWildcard(String, usize),
    /// `expr [AS alias]`
    Expr {
        /// The expression.
        expr: Expr,
        /// Its alias.
        alias: Option<String>,
    },
}

/// A FROM item.
#[derive(Clone, Debug, PartialEq)]
pub enum TableRef {
    /// A named table with an optional alias.
    Table {
        /// Table name.
        name: ObjectName,
        /// Alias.
        alias: Option<String>,
    },
    /// A subquery in FROM.
    Subquery {
        /// The query.
        query: Box<Query>,
        /// Alias (PostgreSQL 15 requires one).
        alias: Option<String>,
        /// Column aliases: `AS v (a, b)`.
        columns: Vec<String>,
    },
    /// A join of two FROM items.
    Join {
        /// Join kind.
        kind: JoinKind,
        /// Left side.
        left: Box<TableRef>,
        /// Right side.
        right: Box<TableRef>,
        /// ON condition or USING columns.
        constraint: JoinConstraint,
    },
}

/// Join kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    /// INNER JOIN / JOIN
    Inner,
    /// LEFT \[OUTER\] JOIN
    Left,
    /// RIGHT \[OUTER\] JOIN
    Right,
    /// FULL \[OUTER\] JOIN
    Full,
    /// CROSS JOIN
    Cross,
}

/// How a join matches rows.
#[derive(Clone, Debug, PartialEq)]
pub enum JoinConstraint {
    /// ON condition
    On(Expr),
    /// USING (columns)
    Using(Vec<String>),
    /// NATURAL or CROSS: none
    None,
}

/// ORDER BY item.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderItem {
    /// The sort expression.
    pub expr: Expr,
    /// DESC given.
    pub desc: bool,
    /// NULLS FIRST (Some(true)) / NULLS LAST (Some(false)).
    pub nulls_first: Option<bool>,
}

/// INSERT INTO … statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Insert {
    /// Target table.
    pub table: ObjectName,
    /// Alias for the target (INSERT INTO t AS x).
    pub alias: Option<String>,
    /// Target column list, with byte positions.
    pub columns: Vec<(String, usize)>,
    /// The rows.
    pub source: InsertSource,
    /// ON CONFLICT clause.
    pub on_conflict: Option<OnConflict>,
    /// RETURNING list.
    pub returning: Vec<SelectItem>,
}

/// Where INSERT's rows come from.
#[derive(Clone, Debug, PartialEq)]
pub enum InsertSource {
    /// VALUES rows (an item may be DEFAULT).
    Values(Vec<Vec<InsertValue>>),
    /// A query.
    Query(Box<Query>),
    /// DEFAULT VALUES
    DefaultValues,
}

/// A VALUES item.
#[derive(Clone, Debug, PartialEq)]
pub enum InsertValue {
    /// DEFAULT
    Default,
    /// An expression.
    Expr(Expr),
}

/// ON CONFLICT [(cols) | ON CONSTRAINT name] DO NOTHING | DO UPDATE SET … [WHERE …].
#[derive(Clone, Debug, PartialEq)]
pub struct OnConflict {
    /// Conflict target columns.
    pub target: Vec<String>,
    /// ON CONSTRAINT name.
    pub constraint: Option<String>,
    /// None for DO NOTHING.
    pub update: Option<(Vec<Assignment>, Option<Expr>)>,
}

/// `col = expr` in UPDATE SET.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// Target column.
    pub column: String,
    /// Byte position of the column name.
    pub pos: usize,
    /// New value; None for DEFAULT.
    pub value: Option<Expr>,
}

/// UPDATE statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// Target table.
    pub table: ObjectName,
    /// Alias.
    pub alias: Option<String>,
    /// SET list.
    pub assignments: Vec<Assignment>,
    /// FROM list.
    pub from: Vec<TableRef>,
    /// WHERE condition.
    pub where_: Option<Expr>,
    /// RETURNING list.
    pub returning: Vec<SelectItem>,
}

/// DELETE statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Delete {
    /// Target table.
    pub table: ObjectName,
    /// Alias.
    pub alias: Option<String>,
    /// WHERE condition.
    pub where_: Option<Expr>,
    /// RETURNING list.
    pub returning: Vec<SelectItem>,
}

/// A written type name before resolution (e.g. `varchar(20)`, `serial`).
#[derive(Clone, Debug, PartialEq)]
pub struct TypeName {
    /// Lower-case base name, multi-word names joined by a space.
    pub name: String,
    /// Modifiers in parentheses.
    pub mods: Vec<i64>,
    /// Byte position.
    pub pos: usize,
    /// `[]` suffix given.
    pub array: bool,
}

/// CREATE TABLE statement.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateTable {
    /// Table name.
    pub name: ObjectName,
    /// IF NOT EXISTS given.
    pub if_not_exists: bool,
    /// Column definitions.
    pub columns: Vec<ColumnDef>,
    /// Table constraints.
    pub constraints: Vec<TableConstraint>,
}

/// A column definition.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    /// Column name.
    pub name: String,
    /// Byte position of the name.
    pub pos: usize,
    /// Type name.
    pub ty: TypeName,
    /// Column constraints in order.
    pub constraints: Vec<ColumnConstraint>,
}

/// A column-level constraint.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnConstraint {
    /// CONSTRAINT name.
    pub name: Option<String>,
    /// What it says.
    pub kind: ColumnConstraintKind,
}

/// Kinds of column constraints.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnConstraintKind {
    /// NOT NULL
    NotNull,
    /// NULL
    Null,
    /// DEFAULT expr (with its source text)
    Default(Expr, String),
    /// PRIMARY KEY
    PrimaryKey,
    /// UNIQUE
    Unique,
    /// CHECK (expr) (with its source text)
    Check(Expr, String),
    /// REFERENCES table [(col)] actions
    References(ForeignKeyRef),
}

/// The REFERENCES part of a foreign key.
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignKeyRef {
    /// Referenced table.
    pub table: ObjectName,
    /// Referenced columns (empty → primary key).
    pub columns: Vec<String>,
    /// ON DELETE action.
    pub on_delete: FkAction,
    /// ON UPDATE action.
    pub on_update: FkAction,
}

/// Referential actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FkAction {
    /// NO ACTION (the default)
    NoAction,
    /// RESTRICT
    Restrict,
    /// CASCADE
    Cascade,
    /// SET NULL
    SetNull,
    /// SET DEFAULT
    SetDefault,
}

impl FkAction {
    /// The SQL words for `pg_get_constraintdef`.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A table-level constraint.
#[derive(Clone, Debug, PartialEq)]
pub struct TableConstraint {
    /// CONSTRAINT name.
    pub name: Option<String>,
    /// What it says.
    pub kind: TableConstraintKind,
}

/// Kinds of table constraints.
#[derive(Clone, Debug, PartialEq)]
pub enum TableConstraintKind {
    /// PRIMARY KEY (cols)
    PrimaryKey(Vec<(String, usize)>),
    /// UNIQUE (cols)
    Unique(Vec<(String, usize)>),
    /// CHECK (expr) with its source text
    Check(Expr, String),
    /// FOREIGN KEY (cols) REFERENCES …
    ForeignKey(Vec<(String, usize)>, ForeignKeyRef),
}

/// CREATE INDEX statement.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateIndex {
    /// Index name (generated when absent).
    pub name: Option<String>,
    /// UNIQUE given.
    pub unique: bool,
    /// IF NOT EXISTS given.
    pub if_not_exists: bool,
    /// Indexed table.
    pub table: ObjectName,
    /// Indexed columns.
    pub columns: Vec<(String, usize)>,
}

/// ALTER TABLE statement.
#[derive(Clone, Debug, PartialEq)]
pub struct AlterTable {
    /// Target table.
    pub table: ObjectName,
    /// IF EXISTS given.
    pub if_exists: bool,
    /// The actions, in order.
    pub actions: Vec<AlterAction>,
}

/// One ALTER TABLE action.
#[derive(Clone, Debug, PartialEq)]
pub enum AlterAction {
    /// ADD \[COLUMN\] \[IF NOT EXISTS\] def
    AddColumn {
        /// Column definition.
        def: ColumnDef,
        /// IF NOT EXISTS given.
        if_not_exists: bool,
    },
    /// DROP \[COLUMN\] \[IF EXISTS\] name \[CASCADE\]
    DropColumn {
        /// Column name.
        name: String,
        /// IF EXISTS given.
        if_exists: bool,
        /// CASCADE given.
        cascade: bool,
    },
    /// RENAME \[COLUMN\] a TO b
    RenameColumn {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// RENAME TO name
    RenameTable(String),
    /// RENAME CONSTRAINT a TO b
    RenameConstraint {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// ALTER \[COLUMN\] c SET NOT NULL
    SetNotNull(String),
    /// ALTER \[COLUMN\] c DROP NOT NULL
    DropNotNull(String),
    /// ALTER \[COLUMN\] c SET DEFAULT expr
    SetDefault(String, Expr, String),
    /// ALTER \[COLUMN\] c DROP DEFAULT
    DropDefault(String),
    /// ALTER \[COLUMN\] c \[SET DATA\] TYPE t [USING expr]
    AlterType {
        /// Column name.
        column: String,
        /// New type.
        ty: TypeName,
        /// USING expression.
        using: Option<Expr>,
    },
    /// ADD table constraint
    AddConstraint(TableConstraint),
    /// DROP CONSTRAINT \[IF EXISTS\] name \[CASCADE\]
    DropConstraint {
        /// Constraint name.
        name: String,
        /// IF EXISTS given.
        if_exists: bool,
        /// CASCADE given.
        cascade: bool,
    },
    /// SET SCHEMA name
    SetSchema(String),
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// +
    Add,
    /// -
    Sub,
    /// *
    Mul,
    /// /
    Div,
    /// %
    Mod,
    /// ^
    Pow,
    /// ||
    Concat,
    /// =
    Eq,
    /// <> or !=
    NotEq,
    /// <
    Lt,
    /// <=
    LtEq,
    /// >
    Gt,
    /// >=
    GtEq,
    /// AND
    And,
    /// OR
    Or,
    /// ->
    JsonGet,
    /// ->>
    JsonGetText,
    /// @>
    JsonContains,
    /// ?
    JsonHasKey,
}

impl BinOp {
    /// The operator as written in "operator does not exist: a OP b".
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "^",
            BinOp::Concat => "||",
            BinOp::Eq => "=",
            BinOp::NotEq => "<>",
            BinOp::Lt => "<",
            BinOp::LtEq => "<=",
            BinOp::Gt => ">",
            BinOp::GtEq => ">=",
            BinOp::And => "AND",
            BinOp::Or => "OR",
            BinOp::JsonGet => "->",
            BinOp::JsonGetText => "->>",
            BinOp::JsonContains => "@>",
            BinOp::JsonHasKey => "?",
        }
    }

    /// True for comparison operators.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::NotEq | BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq
        )
    }
}

/// Literal values as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// An integer literal (digits only).
    Integer(String),
    /// A literal with a point or exponent.
    Decimal(String),
    /// A quoted string.
    String(String),
    /// TRUE / FALSE
    Bool(bool),
    /// NULL
    Null,
}

/// An expression with the byte position where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// The expression.
    pub kind: ExprKind,
    /// Byte offset in the statement.
    pub pos: usize,
}

/// Expression kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// A column reference: up to three name parts.
    Column(Vec<String>),
    /// Binary operator.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// NOT expr
    Not(Box<Expr>),
    /// -expr
    Neg(Box<Expr>),
    /// expr IS \[NOT\] NULL
    IsNull(Box<Expr>, bool),
    /// expr IS \[NOT\] TRUE/FALSE
    IsBool(Box<Expr>, bool, bool),
    /// expr IS \[NOT\] DISTINCT FROM expr
    IsDistinct(Box<Expr>, Box<Expr>, bool),
    /// expr \[NOT\] BETWEEN a AND b
    Between(Box<Expr>, Box<Expr>, Box<Expr>, bool),
    /// expr \[NOT\] IN (list)
    InList(Box<Expr>, Vec<Expr>, bool),
    /// expr \[NOT\] IN (subquery)
    InSubquery(Box<Expr>, Box<Query>, bool),
    /// \[NOT\] EXISTS (subquery)
    Exists(Box<Query>, bool),
    /// (subquery)
    Subquery(Box<Query>),
    /// expr \[NOT\] LIKE/ILIKE pattern [ESCAPE e]
    Like {
        /// The subject.
        expr: Box<Expr>,
        /// The pattern.
        pattern: Box<Expr>,
        /// NOT given.
        negated: bool,
        /// ILIKE.
        case_insensitive: bool,
        /// ESCAPE character expression.
        escape: Option<Box<Expr>>,
    },
    /// CASE \[operand\] WHEN … THEN … \[ELSE …\] END
    Case {
        /// Simple CASE operand.
        operand: Option<Box<Expr>>,
        /// WHEN/THEN pairs.
        whens: Vec<(Expr, Expr)>,
        /// ELSE result.
        else_: Option<Box<Expr>>,
    },
    /// CAST(expr AS type) / expr::type / type 'literal'
    Cast(Box<Expr>, TypeName),
    /// name(args) with DISTINCT / *.
    Function {
        /// Lower-case function name.
        name: String,
        /// Arguments.
        args: Vec<Expr>,
        /// DISTINCT given.
        distinct: bool,
        /// f(*) form.
        star: bool,
    },
    /// A parameterless SQL-standard function (CURRENT_DATE, CURRENT_TIMESTAMP, …).
    Special(String),
    /// An aggregate call with ORDER BY inside its parentheses: `string_agg(x, ',' ORDER BY x)`.
    AggOrder(Box<Expr>, Vec<OrderItem>),
    /// ARRAY[…] or row constructor (unsupported beyond parsing).
    Row(Vec<Expr>),
}

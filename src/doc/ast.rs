//! The syntax tree of a mongosh line: statements and expressions, free of pest types.

/// One statement of a line.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `let|const|var name = expr, …`.
    Declare {
        /// Which keyword declared the names.
        kind: DeclKind,
        /// Names with optional initialisers; never empty.
        bindings: Vec<(String, Option<Expr>)>,
    },
    /// An expression whose value the shell prints.
    Expr(Expr),
}

/// The declaration keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    /// `let`.
    Let,
    /// `const`: the binding cannot be reassigned.
    Const,
    /// `var`.
    Var,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `||`.
    Or,
    /// `&&`.
    And,
    /// `??`.
    Nullish,
    /// `===`.
    StrictEq,
    /// `!==`.
    StrictNe,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`: addition or string concatenation.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
}

/// A prefix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `+x`.
    Plus,
    /// `!x`.
    Not,
    /// `typeof x`.
    TypeOf,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number literal.
    Number(f64),
    /// A string literal, escapes resolved.
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// `/pattern/flags`.
    Regex {
        /// The pattern source.
        pattern: String,
        /// The flags.
        flags: String,
    },
    /// `[a, b]`.
    Array(Vec<Expr>),
    /// `{k: v}`; keys in source order.
    Object(Vec<(String, Expr)>),
    /// A variable or global name.
    Ident(String),
    /// `obj.name`.
    Member(Box<Expr>, String),
    /// `obj[expr]`.
    Index(Box<Expr>, Box<Expr>),
    /// `callee(args)`.
    Call(Box<Expr>, Vec<Expr>),
    /// `new Name(args)`.
    New(String, Vec<Expr>),
    /// A prefix operator.
    Unary(UnaryOp, Box<Expr>),
    /// A binary operator.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `cond ? a : b`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `(a, b) => expr`: an arrow function with an expression body.
    Arrow(Vec<String>, Box<Expr>),
    /// `(a, b, c)`: evaluates all, yields the last; at least two items.
    Sequence(Vec<Expr>),
    /// `target = value` (compound forms are desugared to a binary operation).
    Assign(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// The source-like text of a callee, as TypeErrors quote it (`db.users.insertone`).
    pub fn callee_text(&self) -> String {
        match self {
            Expr::Ident(n) => n.clone(),
            Expr::Member(o, n) => format!("{}.{n}", o.callee_text()),
            Expr::Index(o, i) => match i.as_ref() {
                Expr::Str(s) => format!("{}[\"{s}\"]", o.callee_text()),
                Expr::Number(n) => format!("{}[{n}]", o.callee_text()),
                _ => format!("{}[...]", o.callee_text()),
            },
            Expr::Call(c, _) => format!("{}(...)", c.callee_text()),
            _ => "(intermediate value)".into(),
        }
    }
}

//! The bash-like shell: parse a line (`parse`), expand its words (`expand`),
//! run it (`exec`). Commands themselves live in `world::commands`.

pub mod ast;
pub mod exec;
pub mod expand;
pub mod parse;

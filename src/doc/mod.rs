//! The document store: a MongoDB server and a mongosh session, simulated.
//!
//! Life of a line: [`Shell::eval`] takes what the learner typed; shell commands (`use`,
//! `show dbs`, `it`) are handled directly, everything else is parsed by `parser` (the only
//! file that sees pest) into `ast` statements, evaluated against the [`Store`] (filters in
//! `query`, update operators in `update`, `$jsonSchema` in `validator`), and the result is
//! printed by `format` exactly as mongosh 2.x prints it. Errors are [`DocError`]s whose
//! `Display` is mongosh's text.
//!
//! Architecture invariant: nothing here reads a clock, randomness or the host; ObjectIds
//! come from the store's seeded generator and dates from its logical clock.
//!
//! Architecture invariant: no input panics or hangs. Brackets nest at most 48 deep in a line,
//! values and documents at most 100 levels, update paths at most 100 parts; a line evaluates
//! at most a million expressions and arrow functions nest at most 64 calls; regexes run on
//! an explicit stack with a visited set. A failed line leaves the store and the session as
//! they were, except that an `insertMany` keeps what it inserted before the failure, as
//! MongoDB does.
//!
//! What the shell understands:
//!
//! * shell commands `use`, `show dbs|databases|collections|tables`, `it`, `help`, `exit`,
//!   `quit`, `.exit`; `let`/`const`/`var`, assignments, arithmetic, comparisons, `?:`,
//!   string concatenation, property access, arrow functions (`d => d.name`);
//! * `db.getName() getCollectionNames() getCollectionInfos() getCollection(n) getSiblingDB(n)
//!   createCollection(n, {validator, validationLevel, validationAction}) runCommand({collMod})
//!   dropDatabase() help()`;
//! * collections: `insertOne insertMany({ordered}) insert find findOne updateOne updateMany
//!   replaceOne deleteOne deleteMany findOneAndUpdate findOneAndReplace findOneAndDelete
//!   countDocuments count estimatedDocumentCount distinct drop createIndex({unique, name})
//!   getIndexes aggregate help`; cursors: `sort limit skip toArray count itcount size forEach
//!   map pretty`;
//! * aggregation (`aggregate`): `$match $project $addFields $set $lookup $group ($sum $avg $min $max
//!   $first $last $push $addToSet $count) $sort $limit $skip $count $unwind`, expressions
//!   `'$path'`, `$add $subtract $multiply $divide $concat $toUpper $toLower $size $ifNull
//!   $literal`;
//! * filters: `$eq $ne $gt $gte $lt $lte $in $nin $exists $type $and $or $nor $not $regex
//!   $options $size $all $elemMatch`, dotted paths through embedded documents and arrays;
//!   projections (inclusion, exclusion, dotted);
//! * updates: `$set $unset $inc $mul $min $max $push ($each $position $sort $slice)
//!   $addToSet $pull $pop $rename $currentDate $setOnInsert`, positional `$` and `$[]`,
//!   `upsert`;
//! * validators: `$jsonSchema` (`bsonType type required properties additionalProperties
//!   minimum maximum minLength maxLength minItems maxItems enum pattern items description`)
//!   and query-style conditions;
//! * values: strings, numbers, booleans, `null`, `undefined`, arrays, objects, regex literals,
//!   `ObjectId() ISODate() new Date() Date() NumberInt() NumberLong() NumberDecimal()` and
//!   their `Int32 Long Decimal128` aliases.
//!
//! Not modelled: other aggregation stages (`$facet`, `$bucket`…), transactions, `function` declarations, loops, `explain`,
//! users and roles, replication.

mod aggregate;
mod ast;
mod error;
mod explorer;
mod format;
mod parser;
mod query;
mod regex;
mod script;
mod shape;
mod shell;
mod store;
mod update;
mod validator;
mod value;

pub use error::{DocError, ErrorDetails, ErrorKind};
pub use explorer::{CollectionView, DatabaseView};
pub use format::{inspect, InspectOptions};
pub use script::run_script;
pub use shape::{Shape, ShapeField};
pub use shell::{Outcome, Reply, Shell};
pub use store::{FindOptions, Index, Store, UpdateSummary, Validation};
pub use value::{Document, Value};

//! The document store's public API beyond the shell text: the entry point, prompts,
//! multi-line replies, the explorer's view models (shapes) and `run_script`.
#![cfg(not(target_arch = "wasm32"))]

use schemalab::doc::{run_script, ErrorKind, Shell, Store};

#[test]
fn store_eval_runs_in_the_test_database() {
    let mut store = Store::new(7);
    let out = store
        .eval("db.users.insertOne({_id: 1, name: 'Ada'})")
        .expect("insert");
    assert_eq!(out.output, "{ acknowledged: true, insertedId: 1 }");
    assert_eq!(store.collection_names("test"), vec!["users".to_string()]);
    let err = store
        .eval("db.users.insertOne({_id: 1})")
        .expect_err("duplicate");
    assert_eq!(err.kind, ErrorKind::Server);
    assert_eq!(err.code, Some(11000));
    let err = store
        .eval("db.users.find({")
        .expect_err("incomplete is an error here");
    assert_eq!(err.kind, ErrorKind::Syntax);
}

#[test]
fn prompt_follows_the_database_and_continuation() {
    let mut store = Store::new(1);
    let mut shell = Shell::new();
    assert_eq!(shell.prompt(), "test> ");
    let r = shell.eval(&mut store, "use shop");
    assert_eq!(r.output, "switched to db shop");
    assert_eq!(shell.prompt(), "shop> ");
    let r = shell.eval(&mut store, "db.users.insertOne({");
    assert!(r.incomplete && r.ok && r.output.is_empty());
    assert_eq!(shell.prompt(), "... ");
    let r = shell.eval(&mut store, "_id: 1 })");
    assert!(!r.incomplete && r.ok);
    assert_eq!(r.output, "{ acknowledged: true, insertedId: 1 }");
    assert_eq!(shell.prompt(), "shop> ");
    let r = shell.eval(&mut store, "exit");
    assert!(r.exit);
}

#[test]
fn clock_and_seed_make_ids_and_dates_deterministic() {
    let run = |seed| {
        let mut store = Store::new(seed);
        store.set_clock(1_700_000_000_000);
        let a = store.eval("ObjectId()").expect("oid").output;
        let d = store.eval("new Date()").expect("date").output;
        (a, d)
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3).0, run(4).0);
    assert_eq!(run(3).1, "ISODate('2023-11-14T22:13:20.000Z')");
    assert!(run(3).0.starts_with("ObjectId('6553f100"));
}

#[test]
fn shapes_show_the_journals_mess() {
    let mut store = Store::new(1);
    store
        .eval("db.users.insertMany([{name: 'Ada', age: 36}, {name: 'Grace', age: 45}, {nmae: 'Linus', age: '39'}, {name: 'Alan', age: 41, phone: '555'}])")
        .expect("insert");
    let shapes = store.shapes("test", "users");
    assert_eq!(shapes.len(), 3);
    assert_eq!(shapes[0].count, 2);
    let names: Vec<&str> = shapes[0].fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["_id", "name", "age"]);
    let age = &shapes[0].fields[2];
    assert!(age.type_varies);
    assert_eq!(age.types, ["int"]);
    let nmae = shapes
        .iter()
        .flat_map(|s| s.fields.iter())
        .find(|f| f.name == "nmae")
        .expect("typo field");
    assert_eq!(nmae.similar_to, ["name"]);
    assert_eq!(
        shapes[1]
            .fields
            .iter()
            .find(|f| f.name == "age")
            .map(|f| f.types.clone()),
        Some(vec!["string".to_string()])
    );
    assert!(store.shapes("test", "missing").is_empty());
}

#[test]
fn run_script_prints_a_transcript() {
    let script = "use shop\ndb.users.insertOne({\n  _id: 1\n})\n\ndb.users.find()\nnope\n";
    let out = run_script(script, 1);
    assert_eq!(
        out,
        "test> use shop\nswitched to db shop\nshop> db.users.insertOne({\n...   _id: 1\n... })\n{ acknowledged: true, insertedId: 1 }\nshop> db.users.find()\n[ { _id: 1 } ]\nshop> nope\nReferenceError: nope is not defined\n"
    );
}

#[test]
fn replies_name_the_collections_a_line_changed() {
    let mut store = Store::new(1);
    let mut shell = Shell::new();
    let r = shell.eval(&mut store, "db.a.insertOne({x: 1}); db.b.insertOne({y: 1})");
    assert_eq!(r.changed, ["test.a", "test.b"]);
    let r = shell.eval(&mut store, "db.a.find()");
    assert!(r.changed.is_empty());
    let r = shell.eval(&mut store, "db.a.insertOne({x: 2}); nope");
    assert!(!r.ok && r.changed.is_empty());
    assert_eq!(store.documents("test", "a").len(), 1);
    let r = shell.eval(&mut store, "db.a.deleteMany({})");
    assert_eq!(r.changed, ["test.a"]);
    let out = store.eval("db.c.insertOne({})").expect("insert");
    assert_eq!(out.changed, ["test.c"]);
}

#[test]
fn explorer_tree_lists_databases_collections_and_shapes() {
    let mut store = Store::new(1);
    let mut shell = Shell::new();
    for line in [
        "use shop",
        "db.createCollection('orders', {validator: {$jsonSchema: {required: ['sku']}}})",
        "db.users.insertMany([{_id: 1, name: 'Ada', age: 36}, {_id: 2, nmae: 'Bob', age: '41'}])",
        "db.users.createIndex({name: 1})",
    ] {
        assert!(shell.eval(&mut store, line).ok, "{line}");
    }
    let tree = store.explorer();
    assert_eq!(tree.len(), 1);
    assert_eq!(
        tree[0].to_string(),
        "shop\n  orders — 0 documents (validated)\n  users — 2 documents\n    1 × { _id: int, name: string (like nmae), age: int (type varies) }\n    1 × { _id: int, nmae: string (like name), age: string (type varies) }\n"
    );
    assert_eq!(tree[0].collections[1].indexes, ["_id_", "name_1"]);
}

/// Cases from the server's own unit tests (`doc_validation_error_json_schema_test.cpp`),
/// compared structurally through mongosh's notation.
#[test]
fn json_schema_errors_match_the_servers_unit_tests() {
    let cases = [
        (
            "{$jsonSchema: {properties: {a: {minimum: 1}}, title: 'example title', description: 'example description'}}",
            "{a: 0}",
            "{\n  operatorName: '$jsonSchema',\n  title: 'example title',\n  description: 'example description',\n  schemaRulesNotSatisfied: [\n    {\n      operatorName: 'properties',\n      propertiesNotSatisfied: [\n        {\n          propertyName: 'a',\n          details: [\n            {\n              operatorName: 'minimum',\n              specifiedAs: { minimum: 1 },\n              reason: 'comparison failed',\n              consideredValue: 0\n            }\n          ]\n        }\n      ]\n    }\n  ]\n}",
        ),
        (
            "{$jsonSchema: {properties: {a: {type: 'number', minimum: 1, title: 'property a', description: 'a >= 1'}}}}",
            "{a: 'foo'}",
            "{\n  operatorName: '$jsonSchema',\n  schemaRulesNotSatisfied: [\n    {\n      operatorName: 'properties',\n      propertiesNotSatisfied: [\n        {\n          propertyName: 'a',\n          title: 'property a',\n          description: 'a >= 1',\n          details: [\n            {\n              operatorName: 'type',\n              specifiedAs: { type: 'number' },\n              reason: 'type did not match',\n              consideredValue: 'foo',\n              consideredType: 'string'\n            }\n          ]\n        }\n      ]\n    }\n  ]\n}",
        ),
        (
            "{$jsonSchema: {required: ['a'], properties: {a: {type: 'number', minimum: 1}}}}",
            "{}",
            "{\n  operatorName: '$jsonSchema',\n  schemaRulesNotSatisfied: [\n    {\n      operatorName: 'required',\n      specifiedAs: { required: [ 'a' ] },\n      missingProperties: [ 'a' ]\n    }\n  ]\n}",
        ),
        (
            "{$jsonSchema: {properties: {a: {bsonType: 'int', maximum: 1}}}}",
            "{a: 0.9}",
            "{\n  operatorName: '$jsonSchema',\n  schemaRulesNotSatisfied: [\n    {\n      operatorName: 'properties',\n      propertiesNotSatisfied: [\n        {\n          propertyName: 'a',\n          details: [\n            {\n              operatorName: 'bsonType',\n              specifiedAs: { bsonType: 'int' },\n              reason: 'type did not match',\n              consideredValue: 0.9,\n              consideredType: 'double'\n            }\n          ]\n        }\n      ]\n    }\n  ]\n}",
        ),
    ];
    for (validator, doc, details) in cases {
        let mut store = Store::new(1);
        store
            .eval(&format!(
                "db.createCollection('c', {{validator: {validator}}})"
            ))
            .expect("create");
        let err = store
            .eval(&format!("db.c.insertOne({doc})"))
            .expect_err("must fail validation");
        let text = err.to_string();
        let start = text.find("details: ").expect("details") + "details: ".len();
        let got: Vec<String> = text[start..]
            .lines()
            .map(|l| l.strip_prefix("  ").unwrap_or(l).to_string())
            .collect();
        let got = got[..got.len() - 1].join("\n");
        assert_eq!(got, details, "validator {validator} on {doc}");
    }
}

#[test]
fn a_script_ending_inside_an_open_bracket_reports_the_syntax_error() {
    let out = run_script("db.users.find({\n", 1);
    assert_eq!(
        out,
        "test> db.users.find({\nUncaught:\nSyntaxError: Unexpected token (2:0)\n\n  1 | db.users.find({\n> 2 |\n    | ^\n\n"
    );
}

#[test]
fn tab_completion_knows_collections_and_methods() {
    let mut store = Store::new(1);
    let mut shell = Shell::new();
    shell.eval(&mut store, "db.users.insertOne({})");
    shell.eval(&mut store, "db.orders.insertOne({})");
    assert_eq!(shell.complete(&store, "db.u"), ["db.users"]);
    assert_eq!(
        shell.complete(&store, "db.users.insert"),
        [
            "db.users.insert",
            "db.users.insertMany",
            "db.users.insertOne"
        ]
    );
    assert_eq!(shell.complete(&store, "x = db.o"), ["x = db.orders"]);
    assert_eq!(shell.complete(&store, "sh"), ["show"]);
    assert!(shell.complete(&store, "db.users.find().").is_empty());
}

#[test]
fn exit_as_a_function_ends_quietly_and_errors_are_returned() {
    let mut store = Store::new(1);
    let mut shell = Shell::new();
    let r = shell.eval(&mut store, "print('bye'); exit()");
    assert!(r.exit && r.ok);
    assert_eq!(r.output, "bye");
    let r = shell.eval(&mut store, "db.c.find({$foo: 1})");
    let e = r.error.expect("error");
    assert_eq!(
        (e.kind, e.code, e.code_name),
        (ErrorKind::Server, Some(2), Some("BadValue"))
    );
}

#[test]
fn store_eval_treats_exit_as_the_end() {
    let mut store = Store::new(1);
    assert_eq!(store.eval("quit()").expect("quit").output, "");
}

#[test]
fn what_runs_before_exit_stays() {
    let mut store = Store::new(1);
    store.eval("db.a.insertOne({}); exit()").expect("runs");
    assert_eq!(store.documents("test", "a").len(), 1);
}

#[test]
fn store_and_shell_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}
    assert_send_sync::<Store>();
    assert_send_sync::<Shell>();
    assert_send_sync::<schemalab::doc::DocError>();
}

//! Unit tests of the runtime: requests against the seed's app, checked against the
//! recorded real stack (`tests/fidelity/flask/`).

use std::collections::BTreeMap;

use super::*;
use crate::migrate::ProjectFiles;
use crate::sql::Cluster;

/// A project in memory.
pub(crate) struct Files(pub BTreeMap<String, String>);

impl ProjectFiles for Files {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }
    fn write(&mut self, path: &str, content: &str) -> Result<(), String> {
        self.0.insert(path.into(), content.into());
        Ok(())
    }
    fn list(&self, _dir: &str) -> Option<Vec<String>> {
        None
    }
    fn mkdir(&mut self, _dir: &str) -> Result<(), String> {
        Ok(())
    }
}

pub(crate) fn seed(models_extra: &str, app_edit: Option<(&str, &str)>) -> Files {
    let mut app = crate::world::project::APP_PY.to_string();
    if let Some((from, to)) = app_edit {
        app = app.replace(from, to);
    }
    Files(BTreeMap::from([
        ("app.py".to_string(), app),
        (
            "models.py".to_string(),
            format!("{}{models_extra}", crate::world::project::MODELS_PY),
        ),
    ]))
}

fn env(name: &str) -> Option<String> {
    (name == "DATABASE_URL").then(|| "postgresql+psycopg2://localhost/app".to_string())
}

fn cluster_with_users() -> Cluster {
    let mut c = Cluster::new();
    c.create_database("app").unwrap();
    c.execute(
        "app",
        "CREATE TABLE users (id SERIAL NOT NULL, name VARCHAR(80) NOT NULL, email VARCHAR(120) NOT NULL, PRIMARY KEY (id), UNIQUE (email))",
    )
    .unwrap();
    c
}

fn post(path: &str, form: &[(&str, &str)]) -> Request {
    Request {
        method: "POST".into(),
        path: path.into(),
        form: form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        headers: Vec::new(),
    }
}

fn get(path: &str) -> Request {
    Request {
        method: "GET".into(),
        path: path.into(),
        ..Request::default()
    }
}

#[test]
fn register_then_list_answers_like_flask() {
    let mut cluster = cluster_with_users();
    let mut app = AppProcess::start(&seed("", None), "/home/learner/app", &env).unwrap();
    let h = app.handle(
        &mut cluster,
        &post(
            "/register",
            &[("name", "Ann"), ("email", "ann@example.com")],
        ),
    );
    assert_eq!(h.log, "");
    assert_eq!(
        (h.response.status, h.response.reason.as_str()),
        (201, "CREATED")
    );
    assert_eq!(h.response.body, "{\"id\":1}\n");
    assert_eq!(
        h.response.headers,
        vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("Content-Length".to_string(), "9".to_string())
        ]
    );
    let kinds: Vec<StepKind> = h.journey.steps.iter().map(|s| s.kind).collect();
    use StepKind::*;
    assert_eq!(
        kinds,
        vec![
            AppContext,
            RequestContext,
            Route,
            Staged,
            Flush,
            PoolCheckout,
            Sql,
            Sql,
            Commit,
            PoolReturn,
            PoolCheckout,
            Sql,
            Sql,
            Respond,
            Teardown,
            Rollback,
            PoolReturn
        ],
        "{:#?}",
        h.journey.steps
    );
    let insert = &h.journey.steps[7];
    assert_eq!(
        insert.sql,
        vec![
            "INSERT INTO users (name, email) VALUES (%(name)s, %(email)s) RETURNING users.id",
            "[parameters: {'name': 'Ann', 'email': 'ann@example.com'}]"
        ]
    );
    let h = app.handle(&mut cluster, &get("/users"));
    assert_eq!(
        h.response.body,
        "[{\"email\":\"ann@example.com\",\"id\":1,\"name\":\"Ann\"}]\n"
    );
    assert_eq!(h.response.headers[1].1, "50");
}

#[test]
fn http_errors_are_werkzeug_pages() {
    let mut cluster = cluster_with_users();
    let mut app = AppProcess::start(&seed("", None), "/p", &env).unwrap();
    let h = app.handle(&mut cluster, &post("/register", &[("name", "Bob")]));
    assert_eq!(h.response.status, 400);
    assert_eq!(h.response.headers[1].1, "167");
    assert_eq!(h.log, "");
    let h = app.handle(&mut cluster, &get("/nope"));
    assert_eq!(
        (h.response.status, h.response.headers[1].1.as_str()),
        (404, "207")
    );
    let h = app.handle(&mut cluster, &get("/register"));
    assert_eq!(h.response.status, 405);
    assert_eq!(
        h.response.headers[1],
        ("Allow".into(), "POST, OPTIONS".into())
    );
    assert_eq!(h.response.headers[2].1, "153");
    let mut del = get("/users");
    del.method = "DELETE".into();
    let h = app.handle(&mut cluster, &del);
    assert_eq!(h.response.headers[1].1, "OPTIONS, GET, HEAD");
}

#[test]
fn a_duplicate_email_is_a_500_and_the_next_request_is_fine() {
    let mut cluster = cluster_with_users();
    let mut app = AppProcess::start(&seed("", None), "/p", &env).unwrap();
    app.handle(
        &mut cluster,
        &post("/register", &[("name", "Ann"), ("email", "a@x")]),
    );
    let h = app.handle(
        &mut cluster,
        &post("/register", &[("name", "Ann2"), ("email", "a@x")]),
    );
    assert_eq!(
        (h.response.status, h.response.headers[1].1.as_str()),
        (500, "265")
    );
    let recorded = include_str!("../../tests/fidelity/flask/07_http_server.log");
    let real = recorded
        .split("ERROR in app: Exception on /register [POST]\n")
        .nth(1)
        .unwrap()
        .split("127.0.0.1 - -")
        .next()
        .unwrap()
        .replace(
            "/tmp/flaskvenv/lib/python3.11/site-packages",
            "/usr/local/lib/python3.11/site-packages",
        )
        .replace("/tmp/rtgt/app", "/p")
        .replace("ann@example.com", "a@x");
    let ours = h.log.split_once('\n').unwrap().1;
    assert_eq!(ours, real);
    assert!(h
        .log
        .starts_with("[<timestamp>] ERROR in app: Exception on /register [POST]\n"));
    // Flask-SQLAlchemy removed the session at teardown: no PendingRollbackError here.
    let h = app.handle(&mut cluster, &get("/users"));
    assert_eq!(h.response.status, 200);
}

#[test]
fn a_model_ahead_of_its_table_fails_like_the_real_stack() {
    let mut cluster = cluster_with_users();
    let files = seed(
        "    age = db.Column(db.Integer)\n",
        Some((
            "email=request.form[\"email\"])",
            "email=request.form[\"email\"], age=request.form.get(\"age\"))",
        )),
    );
    let mut app = AppProcess::start(&files, "/tmp/rtgt/app", &env).unwrap();
    let recorded = include_str!("../../tests/fidelity/flask/07_http_server.log").replace(
        "/tmp/flaskvenv/lib/python3.11/site-packages",
        "/usr/local/lib/python3.11/site-packages",
    );
    let real_tb = |header: &str| {
        recorded
            .split(header)
            .nth(1)
            .unwrap()
            .split("127.0.0.1 - -")
            .next()
            .unwrap()
            .to_string()
    };
    let h = app.handle(
        &mut cluster,
        &post(
            "/register",
            &[("name", "Cid"), ("email", "cid@example.com"), ("age", "30")],
        ),
    );
    assert_eq!(h.response.status, 500);
    let real = real_tb("11:45:56,427] ERROR in app: Exception on /register [POST]\n");
    assert_eq!(h.log.split_once('\n').unwrap().1, real);
    let h = app.handle(&mut cluster, &get("/users"));
    let real = real_tb("ERROR in app: Exception on /users [GET]\n");
    assert_eq!(h.log.split_once('\n').unwrap().1, real);
}

#[test]
fn a_missing_database_url_fails_at_start_like_flask_run() {
    let e = AppProcess::start(&seed("", None), "/tmp/rtgt/app", &|_| None).unwrap_err();
    let recorded = include_str!("../../tests/fidelity/flask/10_no_database_url.txt");
    let real = recorded
        .split("$ flask run\n")
        .nth(1)
        .unwrap()
        .split("(exit 1)")
        .next()
        .unwrap()
        .replace(
            "/tmp/flaskvenv/lib/python3.11/site-packages",
            "/usr/local/lib/python3.11/site-packages",
        )
        .replace("/tmp/flaskvenv/bin/flask", "/usr/local/bin/flask");
    assert_eq!(e.output, real);
    assert_eq!(e.exit_code, 1);
}

/// The SQL each shell line sends, as SQLAlchemy's engine log printed it (`04_echo.txt`,
/// `11_update_delete.txt`).
#[test]
fn shell_steps_carry_the_sql_sqlalchemy_logs() {
    let mut cluster = Cluster::new();
    cluster.create_database("app").unwrap();
    let mut shell = FlaskShell::start(&seed("", None), "/p", &env, &mut cluster).unwrap();
    let mut sent = |line: &str| {
        let r = shell.input(&mut cluster, line);
        assert_eq!(r.stderr, "", "{line}");
        shell
            .last_steps()
            .iter()
            .flat_map(|s| s.sql.iter().cloned())
            .filter(|s| !s.starts_with("SELECT pg_catalog"))
            .collect::<Vec<String>>()
    };
    let create = sent("db.create_all()");
    assert_eq!(create[0], "BEGIN (implicit)");
    assert_eq!(create[1], "\nCREATE TABLE users (\n\tid SERIAL NOT NULL, \n\tname VARCHAR(80) NOT NULL, \n\temail VARCHAR(120) NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (email)\n)\n\n");
    assert_eq!(create[2], "COMMIT");
    assert!(sent("db.create_all()").len() == 2);
    assert_eq!(
        sent("u = User(name=\"Ann\", email=\"ann@example.com\")"),
        Vec::<String>::new()
    );
    assert_eq!(sent("db.session.add(u)"), Vec::<String>::new());
    assert_eq!(
        sent("db.session.commit()"),
        vec![
            "BEGIN (implicit)",
            "INSERT INTO users (name, email) VALUES (%(name)s, %(email)s) RETURNING users.id",
            "[parameters: {'name': 'Ann', 'email': 'ann@example.com'}]",
            "COMMIT"
        ]
    );
    assert_eq!(
        sent("u.name"),
        vec![
            "BEGIN (implicit)",
            "SELECT users.id, users.name, users.email \nFROM users \nWHERE users.id = %(pk_1)s",
            "[parameters: {'pk_1': 1}]"
        ]
    );
    assert_eq!(
        sent("User.query.filter_by(name=\"Ann\").first()"),
        vec![
            "SELECT users.id AS users_id, users.name AS users_name, users.email AS users_email \nFROM users \nWHERE users.name = %(name_1)s \n LIMIT %(param_1)s",
            "[parameters: {'name_1': 'Ann', 'param_1': 1}]"
        ]
    );
    assert_eq!(sent("db.session.get(User, 1)"), Vec::<String>::new());
    assert_eq!(
        sent("User.query.count()"),
        vec!["SELECT count(*) AS count_1 \nFROM (SELECT users.id AS users_id, users.name AS users_name, users.email AS users_email \nFROM users) AS anon_1"]
    );
    sent("u.email = \"bob@example.com\"");
    sent("u.name = \"Anna\"");
    assert_eq!(
        sent("db.session.commit()"),
        vec![
            "UPDATE users SET name=%(name)s, email=%(email)s WHERE users.id = %(users_id)s",
            "[parameters: {'name': 'Anna', 'email': 'bob@example.com', 'users_id': 1}]",
            "COMMIT"
        ]
    );
    sent("b = db.session.get(User, 1)");
    sent("db.session.delete(b)");
    assert_eq!(
        sent("db.session.commit()"),
        vec![
            "DELETE FROM users WHERE users.id = %(id)s",
            "[parameters: {'id': 1}]",
            "COMMIT"
        ]
    );
}

#[test]
fn create_all_at_import_needs_an_app_context_like_flask() {
    let files = seed(
        "",
        Some((
            "from models import User  # noqa: E402\n",
            "from models import User  # noqa: E402\n\ndb.create_all()\n",
        )),
    );
    let e = AppProcess::start(&files, "/tmp/rtgt/app", &env).unwrap_err();
    let recorded = include_str!("../../tests/fidelity/flask/13_create_all_at_import.txt");
    let real = recorded
        .split("$ flask run --port 5056\n")
        .nth(1)
        .unwrap()
        .split("(exit 1)")
        .next()
        .unwrap()
        .replace(
            "/tmp/flaskvenv/lib/python3.11/site-packages",
            "/usr/local/lib/python3.11/site-packages",
        )
        .replace("/tmp/flaskvenv/bin/flask", "/usr/local/bin/flask")
        .replace("line 27, in <module>", "line 15, in <module>");
    assert_eq!(e.output, real);
}

#[test]
fn create_all_in_an_app_context_runs_at_every_start() {
    let files = seed("", Some(("from models import User  # noqa: E402\n", "from models import User  # noqa: E402\n\nwith app.app_context():\n    db.create_all()\n")));
    let mut cluster = Cluster::new();
    cluster.create_database("app").unwrap();
    let mut first = AppProcess::start(&files, "/p", &env).unwrap();
    let steps = first.run_startup(&mut cluster).unwrap();
    assert_eq!(steps[0].label, "db.create_all(): created users");
    let h = first.handle(
        &mut cluster,
        &post("/register", &[("name", "Ann"), ("email", "a@x")]),
    );
    assert_eq!(h.response.status, 201);
    // A second worker importing the same app finds the table and creates nothing.
    let mut second = AppProcess::start(&files, "/p", &env).unwrap();
    let steps = second.run_startup(&mut cluster).unwrap();
    assert_eq!(
        steps[0].label,
        "db.create_all(): every table exists, nothing created"
    );
    let mut gone = Cluster::new();
    let e = second.run_startup(&mut gone).unwrap_err();
    assert!(
        e.output
            .ends_with("(Background on this error at: https://sqlalche.me/e/21/e3q8)\n"),
        "{}",
        e.output
    );
    assert!(
        e.import_error
            .contains("  File \"/p/app.py\", line 16, in <module>\n    db.create_all()\n"),
        "{}",
        e.import_error
    );
}

#[test]
fn a_route_can_catch_integrity_error_and_a_reused_session_raises_pending_rollback() {
    let register = "    db.session.add(user)\n    db.session.commit()\n";
    let caught = "    db.session.add(user)\n    try:\n        db.session.commit()\n    except IntegrityError:\n        db.session.rollback()\n        return jsonify(error=\"email taken\"), 409\n";
    let imports = ("from models import User  # noqa: E402\n", "from models import User  # noqa: E402\nfrom sqlalchemy.exc import IntegrityError  # noqa: E402\n");
    let mut files = seed("", Some((register, caught)));
    let app = files.0.get("app.py").unwrap().replace(imports.0, imports.1);
    files.0.insert("app.py".into(), app);
    let mut cluster = cluster_with_users();
    let mut process = AppProcess::start(&files, "/p", &env).unwrap();
    let form = [("name", "Ann"), ("email", "a@x")];
    assert_eq!(
        process
            .handle(&mut cluster, &post("/register", &form))
            .response
            .status,
        201
    );
    let h = process.handle(&mut cluster, &post("/register", &form));
    assert_eq!(
        (h.response.status, h.response.body.as_str()),
        (409, "{\"error\":\"email taken\"}\n")
    );
    assert_eq!(h.log, "");

    // Without rollback(), the same session used again in the request raises PendingRollbackError.
    let forgot = caught.replace(
        "        db.session.rollback()\n        return jsonify(error=\"email taken\"), 409\n",
        "        return jsonify(count=User.query.count()), 409\n",
    );
    let mut files = seed("", Some((register, &forgot)));
    let app = files.0.get("app.py").unwrap().replace(imports.0, imports.1);
    files.0.insert("app.py".into(), app);
    let mut process = AppProcess::start(&files, "/p", &env).unwrap();
    let h = process.handle(&mut cluster, &post("/register", &form));
    assert_eq!(h.response.status, 500);
    assert!(h.log.contains("  File \"/p/app.py\", line 24, in register\n    return jsonify(count=User.query.count()), 409\n                         ^^^^^^^^^^^^^^^^^^\n"), "{}", h.log);
    assert!(h.log.contains("\nsqlalchemy.exc.PendingRollbackError: This Session's transaction has been rolled back due to a previous exception during flush."), "{}", h.log);
    // The next request has a fresh session.
    assert_eq!(
        process.handle(&mut cluster, &get("/users")).response.status,
        200
    );
}

#[test]
fn code_outside_the_subset_is_an_honest_500() {
    let edit = (
        "    return jsonify([{\"id\": u.id, \"name\": u.name, \"email\": u.email} for u in User.query.all()])\n",
        "    print(\"listing users\")\n    key = lambda u: u.name\n    return jsonify([])\n",
    );
    let mut cluster = cluster_with_users();
    let mut app = AppProcess::start(&seed("", Some(edit)), "/p", &env).unwrap();
    let h = app.handle(&mut cluster, &get("/users"));
    assert_eq!(h.response.status, 500);
    assert_eq!(h.stdout, "listing users\n");
    assert!(
        h.log
            .contains("  File \"/p/app.py\", line 27, in users\n    key = lambda u: u.name\n"),
        "{}",
        h.log
    );
    assert!(h.log.ends_with("NotImplementedError: the expression `lambda u: u.name` is outside the Python that SchemaLab runs (assignments, calls, if/for, return, list/dict literals and comprehensions, db.session, Model.query, request.form, jsonify)\n"), "{}", h.log);
    assert_eq!(
        h.log_at("2026-11-24 03:02:51,283").lines().next(),
        Some("[2026-11-24 03:02:51,283] ERROR in app: Exception on /users [GET]")
    );
}

#[test]
fn f_strings_format_values() {
    let mut cluster = Cluster::new();
    cluster.create_database("app").unwrap();
    let mut shell = FlaskShell::start(&seed("", None), "/p", &env, &mut cluster).unwrap();
    shell.input(&mut cluster, "name = \"Ann\"");
    let r = shell.input(&mut cluster, "f\"Hello {name}! {1 + 1} {name!r} {{x}}\\n\"");
    assert_eq!(r.stdout, "\"Hello Ann! 2 'Ann' {x}\\n\"\n");
    let r = shell.input(&mut cluster, "f\"{name:>5}\"");
    assert!(r.stderr.contains("NotImplementedError"), "{r:?}");
}

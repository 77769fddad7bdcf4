//! Property tests: random and mutated lines typed into `flask shell`, and mutated routes in
//! `app.py` served a request, never panic or hang.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use proptest::prelude::*;
use schemalab::migrate::ProjectFiles;
use schemalab::runtime::{AppProcess, FlaskShell, Request};
use schemalab::sql::Cluster;
use schemalab::world::project::{APP_PY, MODELS_PY};

struct Files(BTreeMap<String, String>);

impl ProjectFiles for Files {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }
    fn write(&mut self, path: &str, content: &str) -> Result<(), String> {
        self.0.insert(path.into(), content.into());
        Ok(())
    }
    fn list(&self, _: &str) -> Option<Vec<String>> {
        None
    }
    fn mkdir(&mut self, _: &str) -> Result<(), String> {
        Ok(())
    }
}

/// Lines a learner types in the shell; mutations of them make the rest.
const LINES: &[&str] = &[
    "db.create_all()",
    "u = User(name=\"Ann\", email=\"ann@example.com\")",
    "db.session.add(u)",
    "db.session.commit()",
    "db.session.rollback()",
    "User.query.all()",
    "User.query.filter_by(name=\"Ann\").first()",
    "db.session.get(User, 1)",
    "User.query.count()",
    "[x.name for x in User.query.all() if x.id > 0]",
    "for i in range(3):",
    "    db.session.add(User(name=str(i), email=str(i)))",
    "",
    "u.id + 1",
    "{\"a\": [1, (2, 3)], 'b': None}",
    "print(len(\"abc\") * 2, 7 // 2, -3 % 2)",
    "x = 1 if u else 2",
    "while x < 5: x += 1",
];

fn mutate(text: &str, cut: usize, splice: &str, flip: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let cut = cut % (chars.len() + 1);
    let mut out: String = chars[..cut].iter().collect();
    out.push_str(splice);
    out.extend(chars[cut..].iter());
    let mut bytes: Vec<char> = out.chars().collect();
    if !bytes.is_empty() {
        let i = flip % bytes.len();
        bytes[i] = [
            '(', ')', '[', ':', '"', '\'', ' ', '\\', '#', '.', '=', '\u{4}',
        ][flip % 12];
    }
    bytes.into_iter().collect()
}

fn files(app: &str) -> Files {
    Files(BTreeMap::from([
        ("app.py".to_string(), app.to_string()),
        ("models.py".to_string(), MODELS_PY.to_string()),
    ]))
}

fn env(n: &str) -> Option<String> {
    (n == "DATABASE_URL").then(|| "postgresql+psycopg2://localhost/app".to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn shell_lines_never_panic(
        picks in proptest::collection::vec((0usize..LINES.len(), 0usize..80, "[ -~]{0,6}", 0usize..200, any::<bool>()), 1..12)
    ) {
        let mut cluster = Cluster::new();
        cluster.create_database("app").unwrap();
        let mut shell = FlaskShell::start(&files(APP_PY), "/p", &env, &mut cluster).unwrap();
        for (i, cut, splice, flip, mutated) in picks {
            let line = if mutated { mutate(LINES[i], cut, &splice, flip) } else { LINES[i].to_string() };
            let reply = shell.input(&mut cluster, &line);
            if reply.exit {
                break;
            }
        }
    }

    #[test]
    fn mutated_routes_never_panic(cut in 0usize..2000, splice in "[ -~\n]{0,12}", flip in 0usize..2000) {
        let app = mutate(APP_PY, cut, &splice, flip);
        let mut cluster = Cluster::new();
        cluster.create_database("app").unwrap();
        if let Ok(mut process) = AppProcess::start(&files(&app), "/p", &env) {
            for (method, path) in [("POST", "/register"), ("GET", "/users"), ("GET", "/x")] {
                let request = Request {
                    method: method.into(),
                    path: path.into(),
                    form: vec![("name".into(), "Ann".into()), ("email".into(), "a@x".into())],
                    headers: Vec::new(),
                };
                let handled = process.handle(&mut cluster, &request);
                prop_assert!(handled.response.status >= 200);
            }
        }
    }
}

#[test]
fn deep_code_is_refused_not_a_crash() {
    let mut cluster = Cluster::new();
    cluster.create_database("app").unwrap();
    let mut shell = FlaskShell::start(&files(APP_PY), "/p", &env, &mut cluster).unwrap();
    for line in ["def f():", "    return f()", "", "f()"] {
        shell.input(&mut cluster, line);
    }
    let r = shell.input(&mut cluster, &format!("x = {}1", "1 + ".repeat(5000)));
    assert!(
        r.stderr.contains("NotImplementedError") || r.stderr.contains("SyntaxError"),
        "{r:?}"
    );
    let r = shell.input(&mut cluster, "f()");
    assert!(
        r.stderr
            .ends_with("RecursionError: maximum recursion depth exceeded\n"),
        "{r:?}"
    );
}

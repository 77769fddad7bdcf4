//! [`run`]: one workload on a fresh [`Session`], by the rules of `WORKLOADS.md`.
//!
//! Every line is one [`Session::execute`]: no statement reuse, no batching. An error is
//! counted, its first message kept, and the run goes on. Every value a statement returns is
//! read (rule 4). Only the timed statements sit between two readings of the caller's clock;
//! reading and splitting the files happens before, the checks after.

use std::fmt;
use std::hint::black_box;

use serde_json::{Map, Value};

use super::expected::Expected;
use super::report::{Checks, Probe, Report};
use super::script::{parse_script, Statement};
use super::workload::{SqlFiles, Workload};
use crate::sql::{Session, SqlError};

/// The engine name the reports carry.
pub const ENGINE: &str = "schemalab";

/// The statement that must fail once W3 made `phone` NOT NULL.
const INSERT_WITHOUT_PHONE: &str =
    "INSERT INTO users (name, email, age) VALUES ('Ann', 'nophone@example.com', 1)";

type Rows = Vec<Vec<Option<String>>>;

/// Why a workload could not run at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// A file the workload needs was not given.
    MissingFile(&'static str),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::MissingFile(name) => write!(f, "missing SQL file {name}"),
        }
    }
}

impl std::error::Error for RunError {}

/// The errors of a batch of statements: how many, and the first message.
#[derive(Default)]
struct Tally {
    errors: u64,
    first: Option<String>,
}

impl Tally {
    fn samples(self) -> Vec<String> {
        self.first.into_iter().collect()
    }
}

fn message(e: &SqlError) -> String {
    format!("{e} (SQLSTATE {})", e.code())
}

/// One statement, with every returned value read into the host (rule 4).
fn execute(session: &mut Session, sql: &str) -> Result<Rows, SqlError> {
    let rows = session.execute(sql)?.rows.unwrap_or_default();
    let mut bytes = 0usize;
    for row in &rows {
        for value in row {
            bytes += value.as_ref().map_or(0, String::len);
        }
    }
    black_box(bytes);
    Ok(rows)
}

/// Runs statements in order, never stopping on an error.
fn run_all(
    session: &mut Session,
    stmts: &[Statement],
    tally: &mut Tally,
    mut on_rows: impl FnMut(&Rows),
) {
    for s in stmts {
        match execute(session, &s.sql) {
            Ok(rows) => on_rows(&rows),
            Err(e) => {
                tally.errors += 1;
                if tally.first.is_none() {
                    tally.first = Some(message(&e));
                }
            }
        }
    }
}

/// The integer in a cell; NULL reads as 0 (as the anchors do), anything else as None.
fn int(rows: &Rows, row: usize, col: usize) -> Option<i64> {
    match rows.get(row)?.get(col)? {
        None => Some(0),
        Some(text) => text.parse().ok(),
    }
}

fn count(session: &mut Session, sql: &str) -> Option<i64> {
    execute(session, sql).ok().and_then(|rows| int(&rows, 0, 0))
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A run in progress: the session, the clock and the report being filled.
struct Run<'a> {
    session: Session,
    now: &'a dyn Fn() -> f64,
    expected: &'a Expected,
    report: Report,
}

impl Run<'_> {
    fn expect(&mut self, name: &str, got: Option<i64>, section: &str, key: &str) {
        let want = self.expected.value(section, key);
        self.expect_value(name, got, want);
    }

    fn expect_value(&mut self, name: &str, got: Option<i64>, want: Option<i64>) {
        if !self.report.checks.expect(name, got, want) {
            self.report.ok = false;
        }
    }

    /// Runs `stmts` untimed except for the total, which goes to `setup_ms`.
    fn setup(&mut self, stmts: &[Statement], record: bool) -> u64 {
        let mut tally = Tally::default();
        let start = (self.now)();
        run_all(&mut self.session, stmts, &mut tally, |_| {});
        if record {
            self.report.setup_ms = Some((self.now)() - start);
        }
        tally.errors
    }

    fn count_users(&mut self) -> Option<i64> {
        count(&mut self.session, "SELECT count(*) FROM users")
    }

    fn w1(&mut self, w1: &[Statement]) {
        let mut tally = Tally::default();
        let start = (self.now)();
        run_all(&mut self.session, w1, &mut tally, |_| {});
        self.report.work_ms = Some((self.now)() - start);
        self.report.ops = Some(to_u64(w1.len()));
        self.expect_value("errors", Some(to_i64(tally.errors)), Some(0));
        let rows = self.count_users();
        self.expect("rows_after", rows, "w1", "rows_after");
        self.report.error_samples = tally.samples();
    }

    fn w2(&mut self, points: &[Statement], scans: &[Statement]) {
        let (mut point_rows, mut age_sum, mut count_sum) = (0i64, Some(0i64), Some(0i64));
        let mut tally = Tally::default();
        let start = (self.now)();
        run_all(&mut self.session, points, &mut tally, |rows| {
            point_rows += to_i64(to_u64(rows.len()));
            for i in 0..rows.len() {
                age_sum = age_sum.zip(int(rows, i, 3)).map(|(a, b)| a + b);
            }
        });
        let middle = (self.now)();
        run_all(&mut self.session, scans, &mut tally, |rows| {
            count_sum = count_sum.zip(int(rows, 0, 0)).map(|(a, b)| a + b);
        });
        let end = (self.now)();
        self.report.work_ms = Some(end - start);
        self.report.ops = Some(to_u64(points.len() + scans.len()));
        let mut steps = Map::new();
        steps.insert("point_1000".into(), Value::from(middle - start));
        steps.insert("scan_100".into(), Value::from(end - middle));
        self.report.steps_ms = Some(steps);
        self.expect_value("errors", Some(to_i64(tally.errors)), Some(0));
        self.expect("point_rows", Some(point_rows), "w2", "point_rows");
        self.expect("point_age_sum", age_sum, "w2", "point_age_sum");
        self.expect("scan_count_sum", count_sum, "w2", "scan_count_sum");
        self.report.error_samples = tally.samples();
    }

    #[inline(never)]
    fn w3(&mut self, change: &[Statement], verify: &[Statement]) {
        let mut steps = Map::new();
        let mut tally = Tally::default();
        let start = (self.now)();
        for s in change {
            let step_start = (self.now)();
            run_all(
                &mut self.session,
                std::slice::from_ref(s),
                &mut tally,
                |_| {},
            );
            let took = (self.now)() - step_start;
            let name = s.label.clone().unwrap_or_default();
            let before = steps.get(&name).and_then(Value::as_f64).unwrap_or(0.0);
            steps.insert(name, Value::from(before + took));
        }
        self.report.work_ms = Some((self.now)() - start);
        self.report.ops = Some(to_u64(change.len()));
        self.report.steps_ms = Some(steps);
        self.expect_value("errors", Some(to_i64(tally.errors)), Some(0));
        self.report.error_samples = tally.samples();
        let mut got = Vec::new();
        run_all(&mut self.session, verify, &mut Tally::default(), |rows| {
            got.push(int(rows, 0, 0));
        });
        let cell = |i: usize| got.get(i).copied().flatten();
        self.expect("rows", cell(0), "w3", "rows");
        self.expect_value("phone_null", cell(1), Some(0));
        self.expect("nickname_x", cell(2), "w3", "nickname_x");
        self.expect("phone_matches", cell(3), "w3", "phone_matches");
        let rejected = i64::from(execute(&mut self.session, INSERT_WITHOUT_PHONE).is_err());
        self.expect_value("null_phone_rejected", Some(rejected), Some(1));
    }

    fn w4(&mut self, w4: &[Statement]) {
        let mut tally = Tally::default();
        let start = (self.now)();
        run_all(&mut self.session, w4, &mut tally, |_| {});
        self.report.work_ms = Some((self.now)() - start);
        self.report.ops = Some(to_u64(w4.len()));
        self.expect("errors", Some(to_i64(tally.errors)), "w4", "errors");
        let rows = self.count_users();
        self.expect("rows_after", rows, "w4", "rows_after");
        self.report.error_samples = tally.samples();
    }

    // Kept out of line so a browser profile can find the timed window by its frame.
    #[inline(never)]
    fn w5(&mut self, w5: &[Statement]) {
        let mut tally = Tally::default();
        let mut last = None;
        // Timed in four parts, as w5.sql is laid out: BEGIN and the valid INSERTs, the failing
        // INSERT, ROLLBACK, and the count; the work is their sum.
        let parts = [
            ("insert_4999", w5.len().saturating_sub(3)),
            ("failing_insert", 1),
            ("rollback", 1),
            ("count", 1),
        ];
        let mut steps = Map::new();
        let mut rest = w5;
        let start = (self.now)();
        for (name, len) in parts {
            let (part, after) = rest.split_at(len.min(rest.len()));
            rest = after;
            let part_start = (self.now)();
            run_all(&mut self.session, part, &mut tally, |rows| {
                if !rows.is_empty() {
                    last = int(rows, 0, 0);
                }
            });
            steps.insert(name.into(), Value::from((self.now)() - part_start));
        }
        self.report.work_ms = Some((self.now)() - start);
        self.report.steps_ms = Some(steps);
        self.report.ops = Some(to_u64(w5.len()));
        self.expect("errors", Some(to_i64(tally.errors)), "w5", "errors");
        self.expect("count_in_last_stmt", last, "w5", "rows_after");
        let rows = self.count_users();
        self.expect("rows_after", rows, "w5", "rows_after");
        self.report.error_samples = tally.samples();
    }

    fn probe(&mut self, probes: &[Statement]) {
        for s in probes {
            let probe = match execute(&mut self.session, &s.sql) {
                Ok(_) => Probe {
                    probe: s.label.clone(),
                    ok: true,
                    error: None,
                    sqlstate: None,
                },
                Err(e) => Probe {
                    probe: s.label.clone(),
                    ok: false,
                    error: Some(e.to_string()),
                    sqlstate: Some(e.code().to_string()),
                },
            };
            self.report.probes.push(probe);
        }
    }
}

/// Runs `workload` on a fresh session and checks it against `expected`.
///
/// `files` must hold every file [`Workload::files`] names; `now` is a monotonic clock in
/// milliseconds. A check that fails makes the report `ok: false`; only a missing file is an
/// error.
pub fn run(
    workload: Workload,
    files: &SqlFiles,
    expected: &Expected,
    now: &dyn Fn() -> f64,
) -> Result<Report, RunError> {
    run_settled(workload, files, expected, now, &|| {})
}

/// [`run`], calling `settle` between the untimed set-up and the timed statements. A
/// diagnostic, not a measurement: the browser bench page's `settle_ms` spins there, so that a
/// run can show what the timed part costs once the browser's optimising compiler has caught
/// up with the set-up (WORKLOADS.md's runs never settle).
pub fn run_settled(
    workload: Workload,
    files: &SqlFiles,
    expected: &Expected,
    now: &dyn Fn() -> f64,
    settle: &dyn Fn(),
) -> Result<Report, RunError> {
    let mut scripts = Vec::new();
    for &name in workload.files() {
        let text = files.get(name).ok_or(RunError::MissingFile(name))?;
        scripts.push(parse_script(text));
    }
    let start = now();
    let session = black_box(Session::new());
    let instantiate_ms = now() - start;
    let mut run = Run {
        session,
        now,
        expected,
        report: Report {
            engine: ENGINE.into(),
            anchor: ENGINE.into(),
            dialect: "pg".into(),
            workload: workload.name().into(),
            engine_version: format!("schemalab {}", env!("CARGO_PKG_VERSION")),
            instantiate_ms,
            first_stmt_ms: None,
            setup_ms: None,
            work_ms: None,
            ops: None,
            steps_ms: None,
            error_samples: Vec::new(),
            probes: Vec::new(),
            page_ready_ms: None,
            peak_rss_mib: None,
            checks: Checks::default(),
            ok: true,
        },
    };
    match (workload, scripts.as_slice()) {
        (Workload::Startup, _) => {
            let start = now();
            let rows = execute(&mut run.session, "SELECT 1");
            run.report.first_stmt_ms = Some(now() - start);
            let one = rows.ok().and_then(|rows| int(&rows, 0, 0));
            run.expect_value("select1", one, Some(1));
        }
        (Workload::W1, [setup, w1]) => {
            let errors = run.setup(setup, false);
            run.expect_value("setup_errors", Some(to_i64(errors)), Some(0));
            settle();
            run.w1(w1);
        }
        (Workload::W3, [setup, load, change, verify]) => {
            let errors = run.setup(setup, false);
            run.expect_value("setup_errors", Some(to_i64(errors)), Some(0));
            let errors = run.setup(load, true);
            run.expect_value("load_errors", Some(to_i64(errors)), Some(0));
            settle();
            run.w3(change, verify);
        }
        (_, [setup, w1, rest @ ..]) => {
            let errors = run.setup(setup, false) + run.setup(w1, true);
            run.expect_value("setup_errors", Some(to_i64(errors)), Some(0));
            settle();
            match (workload, rest) {
                (Workload::W2, [points, scans]) => run.w2(points, scans),
                (Workload::W4, [w4]) => run.w4(w4),
                (Workload::W5, [w5]) => run.w5(w5),
                (Workload::Probe, [probes]) => run.probe(probes),
                _ => unreachable!("run: {workload} has files {:?}", workload.files()),
            }
        }
        _ => unreachable!("run: {workload} has files {:?}", workload.files()),
    }
    Ok(run.report)
}

//! Times `flask db upgrade` across a 200-revision history with forks and merges (the budget
//! is well under 50 ms native). Run with `cargo run --release --example migrate_bench`.

use std::time::Instant;

use schemalab::migrate::bench::{branching_history, run};
use schemalab::sql::Cluster;

fn main() {
    let runs = 5;
    let mut best = f64::MAX;
    for _ in 0..runs {
        let mut project = branching_history(20);
        let mut cluster = Cluster::new();
        let _ = cluster.create_database("app");
        let start = Instant::now();
        let outcome = run(&mut project, &mut cluster, "upgrade");
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(outcome.exit_code, 0, "{}", outcome.text());
        assert_eq!(outcome.stderr().matches("Running upgrade").count(), 200);
        best = best.min(ms);
    }
    println!("flask db upgrade, 200 revisions (20 forks and merges): best of {runs}: {best:.1} ms");
    let mut project = branching_history(20);
    let mut cluster = Cluster::new();
    let _ = cluster.create_database("app");
    let start = Instant::now();
    let _ = run(&mut project, &mut cluster, "heads");
    println!(
        "flask db heads (reading the 200 scripts): {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
}

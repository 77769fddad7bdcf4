//! Times each input of the team workshop session (`app::bench::team_session`)
//! and prints the slowest kinds: `cargo run --release --example team_profile`.
use std::collections::BTreeMap;
use std::time::Instant;

use schemalab::app::bench::team_session;
use schemalab::world::World;

fn main() {
    let mut world = World::default();
    let mut by_kind: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for line in team_session(500) {
        let start = Instant::now();
        world.run(&line);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let kind: String = line
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        let entry = by_kind.entry(kind).or_default();
        entry.0 += ms;
        entry.1 += 1;
    }
    let mut rows: Vec<_> = by_kind.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0));
    for (kind, (ms, n)) in rows.iter().take(15) {
        println!("{ms:10.1} ms {n:4}x  {kind}");
    }
}

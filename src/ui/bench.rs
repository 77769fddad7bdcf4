//! The browser bench page (`?bench=replay`): replays the 500-command sample
//! session and shows the time, measured with `performance.now()`.

use yew::prelude::*;

use crate::app::{bench, State};
use crate::world::DEFAULT_SEED;

/// True when the page was opened as the bench page.
pub fn requested() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.contains("bench=replay"))
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs the replay benchmark once the page is shown.
#[component]
pub fn Bench() -> Html {
    let result = use_state(|| None::<String>);
    {
        let result = result.clone();
        use_effect_with((), move |_| {
            let log = bench::sample_session(500);
            let mut times = Vec::new();
            for _ in 0..9 {
                let start = now_ms();
                let state = State::replay(DEFAULT_SEED, log.clone());
                times.push(now_ms() - start);
                std::hint::black_box(state);
            }
            times.sort_by(f64::total_cmp);
            result.set(Some(format!(
                "{{\"workload\": \"replay500\", \"commands\": 500, \"rounds\": 9, \"median_ms\": {:.3}, \"min_ms\": {:.3}, \"budget_ms\": 100}}",
                times[4], times[0]
            )));
        });
    }
    html! {
        <main class="bench">
            <h1>{"SchemaLab bench: replay of a 500-command session"}</h1>
            <pre id="bench-result">{ (*result).clone().unwrap_or_else(|| "running…".to_string()) }</pre>
        </main>
    }
}

//! The browser SQL bench page (`?bench=sql&workload=w1`): fetches the generated `pg` files
//! (served beside the app by the bench driver, never bundled into it), runs the workload with
//! [`crate::bench::run`] timed by `performance.now()`, and shows the report's JSON line in
//! `#bench-result` (`data-state="done"` when finished).
//!
//! Query parameters: `workload` (`w1` … `probe`, default `w1`); `sql`, the URL of the `pg`
//! folder (default `bench-sql/pg/`), with `expected.json` one level up.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::bench::{self, Expected, SqlFiles, Workload};

/// The value of `name` in the page's query string, decoded.
fn param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// True when the page was opened as the SQL bench page.
pub fn requested() -> bool {
    param("bench").as_deref() == Some("sql")
}

/// The text at `url`, or why not.
async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("fetch {url}: {e:?}"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("fetch {url}: not a Response"))?;
    if !response.ok() {
        return Err(format!("fetch {url}: HTTP {}", response.status()));
    }
    let text = response.text().map_err(|e| format!("fetch {url}: {e:?}"))?;
    JsFuture::from(text)
        .await
        .map_err(|e| format!("fetch {url}: {e:?}"))?
        .as_string()
        .ok_or_else(|| format!("fetch {url}: body is not text"))
}

/// Fetches the files, runs the workload and returns its JSON line.
async fn measure() -> Result<String, String> {
    let performance = web_sys::window()
        .and_then(|w| w.performance())
        .ok_or("no performance clock")?;
    // The app's JS and WebAssembly are loaded and running: that is the engine being ready.
    let page_ready_ms = performance.now();
    let workload: Workload = param("workload").as_deref().unwrap_or("w1").parse()?;
    let base = param("sql").unwrap_or_else(|| "bench-sql/pg/".to_string());
    let base = if base.ends_with('/') {
        base
    } else {
        format!("{base}/")
    };
    let expected = Expected::parse(&fetch_text(&format!("{base}../expected.json")).await?)
        .map_err(|e| e.to_string())?;
    let mut files = SqlFiles::new();
    for &name in workload.files() {
        files.insert(name, fetch_text(&format!("{base}{name}")).await?);
    }
    let now = move || performance.now();
    // Diagnostic only (see bench::run_settled): spin this long after the set-up.
    let settle_ms: f64 = param("settle_ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let settle = || {
        let until = now() + settle_ms;
        while now() < until {}
    };
    let mut report = bench::run_settled(workload, &files, &expected, &now, &settle)
        .map_err(|e| e.to_string())?;
    if settle_ms > 0.0 {
        report
            .engine_version
            .push_str(&format!(" (settled {settle_ms} ms)"));
    }
    report.engine_version.push_str(" (wasm32)");
    if workload == Workload::Startup {
        report.page_ready_ms = Some(page_ready_ms);
    }
    Ok(report.to_json())
}

/// Runs the requested workload once the page is shown.
#[component]
pub fn BenchSql() -> Html {
    let result = use_state(|| None::<Result<String, String>>);
    {
        let result = result.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move { result.set(Some(measure().await)) });
        });
    }
    let (state, text) = match &*result {
        None => ("running", "running…".to_string()),
        Some(Ok(json)) => ("done", json.clone()),
        Some(Err(why)) => ("error", why.clone()),
    };
    html! {
        <main class="bench">
            <h1>{"SchemaLab bench: SQL workloads"}</h1>
            <pre id="bench-result" data-state={state}>{ text }</pre>
        </main>
    }
}

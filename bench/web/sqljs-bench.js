// The sql.js side of the browser bench (sqljs.html?workload=w1&sql=/bench-sql/sqlite/):
// the same workloads, rules and checks as src/bench/runner.rs, written in the page's JS as
// the anchors' run_node.mjs does for sql.js. Each line is one db.exec(sql): prepare, step
// every row into JS values, finalize. Prints one JSON line with the rusqlite anchor's fields.
const params = new URLSearchParams(location.search);
const workload = params.get('workload') ?? 'w1';
const base = (params.get('sql') ?? '/bench-sql/sqlite/').replace(/\/?$/, '/');
const out = document.getElementById('bench-result');
const now = () => performance.now();

const FILES = {
  w1: ['setup.sql', 'w1.sql'],
  w2: ['setup.sql', 'w1.sql', 'w2_point.sql', 'w2_scan.sql'],
  w3: ['setup.sql', 'w3_load.sql', 'w3_change.sql', 'w3_verify.sql'],
  w4: ['setup.sql', 'w1.sql', 'w4.sql'],
  w5: ['setup.sql', 'w1.sql', 'w5.sql'],
  startup: [],
  probe: ['setup.sql', 'w1.sql', 'probe_errors.sql'],
};

function parseScript(text) {
  const stmts = [];
  let label = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^-- (?:step|probe): (.*)$/.exec(line);
    if (m) { label = m[1]; continue; }
    stmts.push({ sql: line, label });
  }
  return stmts;
}

async function fetchText(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`fetch ${url}: HTTP ${r.status}`);
  return r.text();
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(s);
  });
}

/** One statement; returns its rows as arrays of JS values (exec already materialises them). */
function run(db, sql) {
  const res = db.exec(sql);
  return res.length ? res[res.length - 1].values : [];
}

function runAll(db, stmts, tally, onRows = () => {}) {
  for (const s of stmts) {
    try {
      onRows(run(db, s.sql));
    } catch (e) {
      tally.errors++;
      tally.first ??= String(e.message ?? e);
    }
  }
}

const int = (rows, r, c) => {
  const v = rows?.[r]?.[c];
  return v === null ? 0 : typeof v === 'number' ? v : null;
};

async function main() {
  const tLoad = now();
  await loadScript('/sqljs/sql-wasm-browser.js');
  const SQL = await globalThis.initSqlJs({ locateFile: (f) => `/sqljs/${f}` });
  const pageReady = now();
  const rep = {
    engine: 'sqljs', anchor: 'sqljs', dialect: base.split('/').filter(Boolean).pop(), workload,
  };
  const checks = {};
  let ok = true;
  const expectValue = (name, got, want) => {
    checks[name] = got;
    if (got === null || got === undefined || got !== want) {
      ok = false;
      checks[`${name}_WANTED`] = want ?? null;
    }
  };
  const expected = JSON.parse(await fetchText(`${base}../expected.json`));
  const exp = (section, key) => expected?.[section]?.[key] ?? null;
  if (!FILES[workload]) throw new Error(`unknown workload ${workload}`);
  const scripts = [];
  for (const f of FILES[workload]) scripts.push(parseScript(await fetchText(base + f)));

  const t0 = now();
  const db = new SQL.Database();
  rep.instantiate_ms = now() - t0;
  rep.load_module_ms = t0 - tLoad;
  const count = () => int(run(db, 'SELECT count(*) FROM users'), 0, 0);
  const setup = (stmts, record) => {
    const tally = { errors: 0, first: null };
    const t = now();
    runAll(db, stmts, tally);
    if (record) rep.setup_ms = now() - t;
    return tally.errors;
  };
  const samples = (tally) => { if (tally.first !== null) rep.error_samples = [tally.first]; };

  if (workload === 'startup') {
    // Rule 7: from before the module is loaded, through compile and instantiate, to an open
    // database; and, comparable with schemalab's page, from navigation start to that point.
    rep.page_ready_ms = pageReady + rep.instantiate_ms;
    rep.instantiate_ms += pageReady - tLoad;
    const t = now();
    const rows = run(db, 'SELECT 1');
    rep.first_stmt_ms = now() - t;
    expectValue('select1', int(rows, 0, 0), 1);
  } else if (workload === 'w1') {
    const [s, w1] = scripts;
    expectValue('setup_errors', setup(s, false), 0);
    const tally = { errors: 0, first: null };
    const t = now();
    runAll(db, w1, tally);
    rep.work_ms = now() - t;
    rep.ops = w1.length;
    expectValue('errors', tally.errors, 0);
    expectValue('rows_after', count(), exp('w1', 'rows_after'));
    samples(tally);
  } else if (workload === 'w3') {
    const [s, load, change, verify] = scripts;
    expectValue('setup_errors', setup(s, false), 0);
    expectValue('load_errors', setup(load, true), 0);
    const steps = {};
    const tally = { errors: 0, first: null };
    const t = now();
    for (const st of change) {
      const ts = now();
      runAll(db, [st], tally);
      steps[st.label ?? ''] = (steps[st.label ?? ''] ?? 0) + (now() - ts);
    }
    rep.work_ms = now() - t;
    rep.ops = change.length;
    rep.steps_ms = steps;
    expectValue('errors', tally.errors, 0);
    samples(tally);
    const got = [];
    runAll(db, verify, { errors: 0, first: null }, (rows) => got.push(int(rows, 0, 0)));
    expectValue('rows', got[0] ?? null, exp('w3', 'rows'));
    expectValue('phone_null', got[1] ?? null, 0);
    expectValue('nickname_x', got[2] ?? null, exp('w3', 'nickname_x'));
    expectValue('phone_matches', got[3] ?? null, exp('w3', 'phone_matches'));
    let rejected = 0;
    try { run(db, "INSERT INTO users (name, email, age) VALUES ('Ann', 'nophone@example.com', 1)"); } catch { rejected = 1; }
    expectValue('null_phone_rejected', rejected, 1);
  } else {
    const [s, w1, ...rest] = scripts;
    expectValue('setup_errors', setup(s, false) + setup(w1, true), 0);
    const tally = { errors: 0, first: null };
    if (workload === 'w2') {
      const [points, scans] = rest;
      let pointRows = 0, ageSum = 0, countSum = 0;
      const t = now();
      runAll(db, points, tally, (rows) => { pointRows += rows.length; for (let i = 0; i < rows.length; i++) ageSum += int(rows, i, 3); });
      const m = now();
      runAll(db, scans, tally, (rows) => { countSum += int(rows, 0, 0); });
      const e = now();
      rep.work_ms = e - t;
      rep.ops = points.length + scans.length;
      rep.steps_ms = { point_1000: m - t, scan_100: e - m };
      expectValue('errors', tally.errors, 0);
      expectValue('point_rows', pointRows, exp('w2', 'point_rows'));
      expectValue('point_age_sum', ageSum, exp('w2', 'point_age_sum'));
      expectValue('scan_count_sum', countSum, exp('w2', 'scan_count_sum'));
    } else if (workload === 'w4' || workload === 'w5') {
      const [stmts] = rest;
      let last = null;
      const t = now();
      runAll(db, stmts, tally, (rows) => { if (rows.length) last = int(rows, 0, 0); });
      rep.work_ms = now() - t;
      rep.ops = stmts.length;
      expectValue('errors', tally.errors, exp(workload, 'errors'));
      if (workload === 'w5') expectValue('count_in_last_stmt', last, exp('w5', 'rows_after'));
      expectValue('rows_after', count(), exp(workload, 'rows_after'));
    } else if (workload === 'probe') {
      rep.probes = rest[0].map((st) => {
        try { run(db, st.sql); return { probe: st.label, ok: true }; } catch (e) { return { probe: st.label, ok: false, error: String(e.message ?? e) }; }
      });
    }
    samples(tally);
  }
  rep.engine_version = `sql.js / SQLite ${run(db, 'SELECT sqlite_version()')[0][0]} (wasm)`;
  db.close();
  rep.checks = checks;
  rep.ok = ok;
  return JSON.stringify(rep);
}

main().then(
  (line) => { out.textContent = line; out.dataset.state = 'done'; },
  (e) => { out.textContent = String(e?.stack ?? e); out.dataset.state = 'error'; },
);

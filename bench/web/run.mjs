#!/usr/bin/env node
// The browser SQL bench driver: serves the app (dist/), the generated SQL and sql.js from one
// local origin, and in one headless Chromium runs every (engine, workload) as a fresh page in
// a fresh browser context, interleaved in rounds (WORKLOADS.md rule 6). Engines: schemalab's
// WebAssembly build (the app at ?bench=sql, dialect pg) and sql.js (sqljs.html, dialect
// sqlite). Appends one JSON line per run to OUT.
//
// usage: node bench/web/run.mjs --dist dist --sql target/bench-sql --out FILE [--rounds 5]
//                               [--workloads w1,w2,w3,w4,w5,startup]
// Diagnostics only (make bench sets neither): CHROMIUM_FLAGS adds browser flags, e.g.
// '--js-flags=--no-liftoff'; EXTRA_QUERY is appended to schemalab's page URL, e.g.
// '&settle_ms=1000' (spin between set-up and timed part, see bench::run_settled).
import { createServer } from 'node:http';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : args[i + 1];
};
const dist = opt('--dist', 'dist');
const sqlRoot = opt('--sql', 'target/bench-sql');
const outFile = opt('--out', null);
const rounds = Number(opt('--rounds', '5'));
const workloads = opt('--workloads', 'w1,w2,w3,w4,w5,startup').split(',');
if (!outFile) { console.error('usage: run.mjs --dist DIR --sql DIR --out FILE [--rounds N]'); process.exit(2); }

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.sql': 'text/plain; charset=utf-8' };
// URL prefix → folder; the app's files come last, from dist/.
const MOUNTS = [
  ['/bench-sql/', sqlRoot],
  ['/sqljs/', join(here, 'node_modules', 'sql.js', 'dist')],
  ['/sqljs.html', join(here, 'sqljs.html')],
  ['/sqljs-bench.js', join(here, 'sqljs-bench.js')],
  ['/', dist],
];
function resolve(urlPath) {
  for (const [prefix, target] of MOUNTS) {
    if (urlPath === prefix || urlPath.startsWith(prefix)) {
      const rest = normalize(decodeURIComponent(urlPath.slice(prefix.length)));
      if (rest.startsWith('..')) return null;
      let file = rest && rest !== '.' ? join(target, rest) : target;
      if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) file = join(file, 'index.html');
      return file;
    }
  }
  return null;
}
const server = createServer((req, res) => {
  const file = resolve(new URL(req.url, 'http://x').pathname);
  try {
    const body = readFileSync(file);
    // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
    // Extra flags for experiments, e.g. CHROMIUM_FLAGS='--js-flags=--no-liftoff'.
    ...(process.env.CHROMIUM_FLAGS ? process.env.CHROMIUM_FLAGS.split(' ') : [])],
});
const version = browser.version();
const ENGINES = {
  schemalab: (w) => `${base}/?bench=sql&workload=${w}&sql=/bench-sql/pg/${process.env.EXTRA_QUERY ?? ''}`,
  sqljs: (w) => `${base}/sqljs.html?workload=${w}&sql=/bench-sql/sqlite/`,
};

/** One (engine, workload) run in a fresh context: its JSON report. */
async function once(engine, workload) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  try {
    await page.goto(ENGINES[engine](workload));
    const result = page.locator('#bench-result:is([data-state="done"], [data-state="error"])');
    await result.waitFor({ timeout: 180_000 });
    const text = await result.innerText();
    if ((await result.getAttribute('data-state')) !== 'done') throw new Error(text);
    const report = JSON.parse(text);
    report.browser = `chromium ${version}`;
    if (problems.length) report.page_errors = problems;
    return report;
  } catch (e) {
    return { engine, anchor: engine, workload, ok: false, error: String(e.message ?? e), page_errors: problems };
  } finally {
    await context.close();
  }
}

let failures = 0;
for (let r = 1; r <= rounds; r++) {
  // Alternate which engine goes first, so neither always meets a warmer machine.
  const order = r % 2 ? ['schemalab', 'sqljs'] : ['sqljs', 'schemalab'];
  for (const w of workloads) {
    for (const engine of order) {
      const report = await once(engine, w);
      report.round = r;
      if (report.ok === false) failures++;
      appendFileSync(outFile, JSON.stringify(report) + '\n');
      const t = report.work_ms ?? report.page_ready_ms;
      console.error(`web round ${r}/${rounds} ${w} ${engine}: ${report.ok ? 'ok' : 'FAILED'} ${t?.toFixed?.(2) ?? ''} ms`);
    }
  }
}
await browser.close();
server.close();
process.exit(failures ? 1 : 0);

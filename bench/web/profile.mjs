#!/usr/bin/env node
// Profiles one workload of schemalab's ?bench=sql page in headless Chromium (CDP sampling
// profiler) and prints the self time of the hottest functions, optionally only under frames
// whose name contains FILTER, with the share spent in the parser (pest frames).
//
// Function names need a build that keeps the wasm name section (trunk's wasm-opt drops it):
//   trunk build --release   # or any cargo build of schemalab-web for wasm32, then:
//   wasm-bindgen --target web --out-dir target/wasm-names \
//     target/wasm32-unknown-unknown/release/schemalab-web.wasm
//   node bench/web/profile.mjs --dist target/wasm-names --workload w3 --filter Catalog::update_row
// With --dist target/wasm-names, a minimal index.html is served that starts the app.
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i < 0 ? dflt : args[i + 1]; };
const dist = opt('--dist', 'target/wasm-names');
const sqlRoot = opt('--sql', 'target/bench-sql');
const workload = opt('--workload', 'w1');
const filter = opt('--filter', null);
// --window FRAME: every sample between the first and the last one under FRAME, whatever its
// stack (V8's own work, "(program)", "(garbage collector)", shows up there too).
const windowFrame = opt('--window', null);
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const INDEX = '<!DOCTYPE html><meta charset="utf-8"><link rel="icon" href="data:,">'
  + '<script type="module">import init from "./schemalab-web.js"; await init();</script>';

const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path.includes('..')) { res.writeHead(404); res.end(); return; }
  let file = path.startsWith('/bench-sql/') ? join(sqlRoot, path.slice('/bench-sql/'.length)) : join(dist, path);
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) file = join(file, 'index.html');
  try {
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'text/plain' });
    res.end(body);
  } catch {
    if (path === '/') { res.writeHead(200, { 'content-type': 'text/html' }); res.end(INDEX); return; }
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await page.goto(`http://127.0.0.1:${server.address().port}/?bench=sql&workload=${workload}&sql=/bench-sql/pg/`);
await page.locator('#bench-result:is([data-state="done"], [data-state="error"])').waitFor({ timeout: 180_000 });
const { profile } = await cdp.send('Profiler.stop');
console.log((await page.locator('#bench-result').innerText()).slice(0, 300));
await browser.close();
server.close();

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (id) => byId.get(id).callFrame.functionName || '(anonymous)';
const hasFrame = (id, test) => { for (let x = id; x !== undefined; x = parent.get(x)) if (test(name(x))) return true; return false; };
const self = new Map();
let total = 0;
let parse = 0;
let [from, to] = [0, profile.samples.length - 1];
if (windowFrame) {
  const inside = profile.samples.map((id, i) => (hasFrame(id, (f) => f.includes(windowFrame)) ? i : -1)).filter((i) => i >= 0);
  [from, to] = [inside[0] ?? 0, inside[inside.length - 1] ?? -1];
}
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  if (i < from || i > to) return;
  if (filter && !hasFrame(id, (f) => f.includes(filter))) return;
  const k = name(id).replace(/::h[0-9a-f]{16}$/, '');
  self.set(k, (self.get(k) ?? 0) + dt);
  total += dt;
  if (hasFrame(id, (f) => f.includes('pest') || f.includes('sql::parser'))) parse += dt;
});
console.log(`${filter ? `under ${filter}: ` : ''}${(total / 1000).toFixed(0)} ms sampled, ${(100 * parse / (total || 1)).toFixed(1)} % in the parser`);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${(100 * v / total).toFixed(1).padStart(5)} %  ${k.slice(0, 140)}`);
}

#!/usr/bin/env node
// Reads the JSON lines of interleaved benchmark rounds (one line per process run, the
// rusqlite anchor's fields) and prints, per workload, the median (min–max) of each engine
// and the ratio subject/reference, with the budget marked.
//
// usage: node bench/aggregate.mjs --subject NAME --reference NAME --budget X [--strict] [--title T] FILE...
//   NAME is a line's `engine` (or the anchors' `anchor`); the budget is the highest
//   allowed ratio subject/reference on W1–W5 (3 natively; 1, "faster", in the browser).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const subject = opt('--subject', 'schemalab');
const reference = opt('--reference', 'rusqlite');
const budget = Number(opt('--budget', '3'));
const title = opt('--title', `${subject} vs ${reference}`);
// --strict: the ratio must be below the budget ("faster than"), not merely at most it.
const strict = args.includes('--strict');
if (strict) args.splice(args.indexOf('--strict'), 1);
const bound = strict ? `< ${budget}×` : `≤ ${budget}×`;
if (!args.length) { console.error('usage: aggregate.mjs --subject S --reference R --budget X FILE...'); process.exit(2); }

const runs = [];
for (const f of args) {
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (line.trim().startsWith('{')) runs.push(JSON.parse(line));
  }
}
const engineOf = (r) => r.engine ?? r.anchor;

// The measures shown, in order: [label, workload, value getter, budgeted].
const MEASURES = [
  ['W1 10k INSERT', 'w1', (r) => r.work_ms, true],
  ['W2 point + scan', 'w2', (r) => r.work_ms, true],
  ['  W2 1,000 point SELECT', 'w2', (r) => r.steps_ms?.point_1000, false],
  ['  W2 100 count(*) scans', 'w2', (r) => r.steps_ms?.scan_100, false],
  ['W3 schema change, 100k rows', 'w3', (r) => r.work_ms, true],
  ['  W3 ADD nickname NOT NULL DEFAULT', 'w3', (r) => r.steps_ms?.add_nickname_not_null_default, false],
  ['  W3 ADD phone', 'w3', (r) => r.steps_ms?.add_phone_nullable, false],
  ["  W3 UPDATE phone = 'p' || id", 'w3', (r) => r.steps_ms?.update_phone, false],
  ['  W3 SET NOT NULL', 'w3', (r) => r.steps_ms?.set_phone_not_null, false],
  ['  (W3 load, untimed set-up)', 'w3', (r) => r.setup_ms, false],
  ['W4 10k failing INSERT', 'w4', (r) => r.work_ms, true],
  ['W5 BEGIN + 5k INSERT + ROLLBACK', 'w5', (r) => r.work_ms, true],
  ['startup: open database', 'startup', (r) => r.instantiate_ms, false],
  ['startup: first SELECT 1', 'startup', (r) => r.first_stmt_ms, false],
  ['startup: navigation → database open (browser)', 'startup', (r) => r.page_ready_ms, false],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));
function stat(engine, workload, get) {
  const xs = runs.filter((r) => engineOf(r) === engine && r.workload === workload && r.ok !== false)
    .map(get).filter((x) => typeof x === 'number');
  if (!xs.length) return null;
  return { med: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}
const cell = (s) => (s ? `${fmt(s.med)} (${fmt(s.min)}–${fmt(s.max)})` : '–');

console.log(`### ${title}\n`);
console.log(`Median ms over the rounds (min–max); ratio = ${subject} median / ${reference} median; budget ${bound} on W1–W5.`);
console.log('The min/min ratio, the least disturbed runs of each, is a cross-check on a busy machine.\n');
console.log(`| workload | ${subject} | ${reference} | ratio | min/min | budget ${bound} |`);
console.log('|---|---|---|---|---|---|');
let over = 0;
for (const [label, w, get, budgeted] of MEASURES) {
  const a = stat(subject, w, get);
  const b = stat(reference, w, get);
  if (!a && !b) continue;
  const ratio = a && b && b.med > 0 ? a.med / b.med : null;
  let verdict = '';
  if (budgeted && ratio !== null) {
    const pass = strict ? ratio < budget : ratio <= budget;
    if (!pass) over++;
    verdict = pass ? 'pass' : 'FAIL';
  }
  const minRatio = a && b && b.min > 0 ? `${(a.min / b.min).toFixed(2)}×` : '–';
  console.log(`| ${label} | ${cell(a)} | ${cell(b)} | ${ratio === null ? '–' : `${ratio.toFixed(2)}×`} | ${minRatio} | ${verdict} |`);
}
const failed = runs.filter((r) => r.ok === false);
const engines = [...new Set(runs.map(engineOf))];
const rounds = Math.max(...engines.map((e) => runs.filter((r) => engineOf(r) === e && r.workload === 'w1').length));
console.log(`\n${runs.length} runs (${rounds} rounds), ${failed.length} with a failed check` +
  (failed.length ? `: ${failed.map((r) => `${engineOf(r)} ${r.workload} ${JSON.stringify(r.checks)}`).join('; ')}` : '') +
  `; ${over} workload(s) over budget.`);

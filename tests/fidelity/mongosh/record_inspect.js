// Records ground truth for mongosh's output notation: random BSON-ish values (400 from each of
// four seeds) formatted by
// mongosh's own `formatOutput` (from @mongosh/cli-repl) with its printable BSON classes.
// Usage: NODE_PATH=<dir with @mongosh/cli-repl and bson installed> node record_inspect.js > inspect_cases.jsonl
'use strict';
const bson = require('bson');
const { makePrintableBson } = require('@mongosh/shell-bson/lib/printable-bson');
makePrintableBson(bson);
const { formatOutput } = require('@mongosh/cli-repl/lib/format-output');

let seed = 0;
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; }
function pick(a) { return a[Math.floor(rnd() * a.length)]; }
const KEYS = ['a', 'name', 'email', '_id', 'tags', 'x1', 'first-name', '$set', 'with space', 'é', '0', 'address', 'qty', 'nested_value', 'it\'s', 'price'];
const STRS = ['Ada', '', 'it\'s', 'say "hi"', 'both \' and "', 'tab\there', 'line\nbreak', 'a'.repeat(30), 'back\\slash', 'ünïcode', 'x'.repeat(75), 'first line of a long text\nsecond line of a long text\nthird line of the text'];

function gen(depth) {
  const r = rnd();
  if (depth > 0 && r < 0.22) {
    const n = Math.floor(rnd() * 6);
    const keys = []; const out = { t: 'doc', v: [] };
    for (let i = 0; i < n; i++) { const k = pick(KEYS); if (keys.includes(k)) continue; keys.push(k); out.v.push([k, gen(depth - 1)]); }
    return out;
  }
  if (depth > 0 && r < 0.34) {
    const n = rnd() < 0.3 ? 7 + Math.floor(rnd() * 30) : Math.floor(rnd() * 5);
    const kind = rnd();
    const out = { t: 'arr', v: [] };
    for (let i = 0; i < n; i++) out.v.push(kind < 0.4 ? { t: 'num', v: Math.floor(rnd() * (rnd() < 0.5 ? 10 : 100000)) } : kind < 0.6 ? { t: 'str', v: pick(['a', 'bb', 'cobol', 'navy', 'x']) } : gen(depth - 1));
    return out;
  }
  const p = rnd();
  if (p < 0.2) return { t: 'str', v: pick(STRS) };
  if (p < 0.35) return { t: 'num', v: pick([0, 1, -1, 1.5, 45, 1e21, 1e-7, 123456789, 0.1 + 0.2, -0.5, 3.14159]) };
  if (p < 0.42) return { t: 'int32', v: Math.floor(rnd() * 1000) };
  if (p < 0.48) return { t: 'long', v: String(Math.floor(rnd() * 1e12)) };
  if (p < 0.53) return { t: 'dec', v: pick(['1.50', '0', '-3.25', '1E+3']) };
  if (p < 0.63) return { t: 'oid', v: Array.from({ length: 24 }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('') };
  if (p < 0.7) return { t: 'date', v: Math.floor(rnd() * 2e12) };
  if (p < 0.8) return { t: 'bool', v: rnd() < 0.5 };
  if (p < 0.87) return { t: 'null' };
  if (p < 0.92) return { t: 'regex', p: pick(['ab', '^a.*z$', 'x+']), f: pick(['', 'i', 'im']) };
  return { t: 'str', v: pick(STRS) };
}

function build(e) {
  switch (e.t) {
    case 'doc': { const o = {}; for (const [k, v] of e.v) o[k] = build(v); return o; }
    case 'arr': return e.v.map(build);
    case 'str': return e.v;
    case 'num': return e.v;
    case 'int32': return new bson.Int32(e.v);
    case 'long': return bson.Long.fromString(e.v);
    case 'dec': return bson.Decimal128.fromString(e.v);
    case 'oid': return new bson.ObjectId(e.v);
    case 'date': return new Date(e.v);
    case 'bool': return e.v;
    case 'null': return null;
    case 'regex': return new RegExp(e.p, e.f);
  }
}

const opts = { colors: false, compact: 3, depth: 6 };
for (const start of [12345, 777, 4242, 99]) {
seed = start;
for (let i = 0; i < 400; i++) {
  const depth = i < 40 ? 9 : 1 + Math.floor(rnd() * 5);
  let e = gen(depth);
  if (e.t !== 'doc') e = { t: 'doc', v: [['value', e], ['_id', { t: 'oid', v: '65a1b2c3d4e5f6a7b8c9d0e1' }]] };
  const value = build(e);
  console.log(JSON.stringify({ mode: 'simple', value: e, out: formatOutput({ value, type: null }, opts) }));
  const docs = { t: 'arr', v: [e, e] };
  console.log(JSON.stringify({ mode: 'cursor', value: docs, out: formatOutput({ value: { documents: build(docs) }, type: 'Cursor' }, opts) }));
}
}

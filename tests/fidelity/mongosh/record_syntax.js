// Records babel's verdict (as mongosh's async rewriter reports it) for each line of
// syntax_inputs.txt: the first line of the SyntaxError message, or OK.
// Usage: NODE_PATH=<dir with @mongosh/async-rewriter2> node record_syntax.js < syntax_inputs.txt > syntax_cases.jsonl
'use strict';
const AR = require('@mongosh/async-rewriter2');
const rewriter = new (AR.AsyncRewriter || AR.default || AR)();
const inputs = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
for (const src of inputs) {
  let verdict = 'OK';
  try { rewriter.process(src + '\n'); } catch (e) { verdict = e.message; }
  console.log(JSON.stringify({ input: src, verdict }));
}

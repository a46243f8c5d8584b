// `npm run bench:load`: what loading the package costs where the engine has its own
// Atomics.waitAsync (issue "zero cost"): Chromium, Firefox 153, and Firefox 140 with its hidden
// native (pref javascript.options.atomics_wait_async). Each engine loads bench/browser/load.html
// in --pages fresh pages; each page times --rounds imports of the ESM build + install() and
// loads of the <script> build against an empty module / script (bench/browser/load-page.mjs).
// That the package starts no thread and allocates no SharedArrayBuffer there is a test
// (test/browser/suites/zero-cost.mjs), not this. Writes bench/results/load.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer } from '../../test/browser/server.mjs';
import { median, quantile } from '../lib/stats.mjs';
import { engines, walkPages } from './pages.mjs';

const arg = (name, d) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : d;
};
const PAGES = Number(arg('pages', 3));
const ROUNDS = Number(arg('rounds', 40));
const OUT = path.resolve(arg('out', path.join(ROOT, 'bench/results/load.json')));

const server = await startServer();
const results = { date: new Date().toISOString(), nproc: os.cpus().length, pages: PAGES, rounds: ROUNDS, engines: [] };
try {
  for (const e of engines(['chromium', 'firefox-153', 'firefox-140-native'])) {
    const reports = await walkPages(server, e, Array.from({ length: PAGES }, () => `/bench/browser/load.html?rounds=${ROUNDS}`));
    const all = (k) => reports.flatMap((r) => r[k] || []);
    const errors = reports.filter((r) => r.error).map((r) => r.error.split('\n')[0]);
    const row = { id: e.id, label: e.label, userAgent: reports[0]?.userAgent, errors,
      nativeBefore: reports.every((r) => r.nativeBefore), untouched: reports.every((r) => r.untouched) };
    for (const k of ['esm', 'esmBase', 'iife', 'iifeBase', 'esmEval', 'iifeEval']) {
      const v = all(k);
      row[k] = { n: v.length, p50: median(v), p90: quantile(v, 0.9) };
    }
    results.engines.push(row);
  }
} finally {
  await server.close();
}
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, JSON.stringify(results, null, 1) + '\n');
const ms = (x) => (x === undefined ? '–' : x.toFixed(2));
console.log(`load cost where native exists (${PAGES} pages × ${ROUNDS} rounds; ms, p50 / p90)`);
console.log('engine                        native kept  ESM build + install()   empty module   <script> build   empty script    ESM text evaluated  <script> text evaluated');
for (const r of results.engines) {
  console.log(`${r.label.padEnd(30)}${String(r.nativeBefore && r.untouched).padEnd(13)}` +
    `${(ms(r.esm.p50) + ' / ' + ms(r.esm.p90)).padEnd(24)}${(ms(r.esmBase.p50) + ' / ' + ms(r.esmBase.p90)).padEnd(15)}` +
    `${(ms(r.iife.p50) + ' / ' + ms(r.iife.p90)).padEnd(17)}${(ms(r.iifeBase.p50) + ' / ' + ms(r.iifeBase.p90)).padEnd(16)}` +
    `${(ms(r.esmEval.p50) + ' / ' + ms(r.esmEval.p90)).padEnd(20)}${ms(r.iifeEval.p50)} / ${ms(r.iifeEval.p90)}` +
    (r.errors.length ? `  errors: ${r.errors.join('; ')}` : ''));
}
console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
process.exit(0);

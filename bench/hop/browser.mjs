// Browsers: the helper → agent hop four ways (variants.cjs, page.mjs), in Chromium and Firefox
// 140 and 153: µs from Atomics.notify to the worker's message, median over runs of each run's p50.
// `node bench/hop/browser.mjs [--rounds=N] [--runs=N] [--only=chromium,...]`; the Node side is hop.mjs.
import { startServer } from '../../test/browser/server.mjs';
import { median } from '../lib/stats.mjs';
import { engines, walkPages } from '../browser/pages.mjs';
import { saveHop } from './save.mjs';

const arg = (n, d) => Number((process.argv.find((a) => a.startsWith(`--${n}=`)) || `=${d}`).split('=')[1]);
const ROUNDS = arg('rounds', 1000);
const RUNS = arg('runs', 3);
const only = process.argv.find((a) => a.startsWith('--only='));
const IDS = (only ? only.slice(7) : 'chromium,firefox-140,firefox-153').split(',');
const server = await startServer();
try {
  for (const e of engines(IDS)) {
    const [r] = await walkPages(server, e, [`/bench/hop/page.html?rounds=${ROUNDS}&runs=${RUNS}`], 300000);
    if (!r || r.error) { console.log(`${e.label}: ${r ? r.error : 'no report'}`); continue; }
    saveHop(e.id, { label: e.label, userAgent: r.userAgent, rounds: ROUNDS, runs: RUNS, p50: r.p50 });
    console.log(`${e.label}: notify → message (µs, median of ${RUNS} runs' p50, ${ROUNDS} rounds each)`);
    for (const [v, xs] of Object.entries(r.p50)) {
      const ok = xs.filter((x) => x !== null);
      console.log(`  ${v.padEnd(12)} ${ok.length ? median(ok).toFixed(1).padStart(7) : 'stalled'.padStart(7)}   runs ${xs.map((x) => (x === null ? 'stalled' : x.toFixed(1))).join(' ')}`);
    }
  }
} finally {
  await server.close();
}
process.exit(0);

// What one helper thread costs on this Node: resident memory and the time waitAsync takes when it
// must start a helper (none parked) versus arm a parked one. Measures in a fresh process per run:
//   node bench/node/helper-cost.mjs [--helpers=32]      (works on Node 14 too: plain CommonJS require)
// Prints one JSON line: { node, helpers, rssPerHelperMB, startMs: {p50,p90}, armParkedUs: {p50,p90} }.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const lib = require('../../dist/index.cjs');
const arg = (name, d) => Number((process.argv.find((a) => a.startsWith(`--${name}=`)) || '').split('=')[1] || d);
const N = arg('helpers', 32);
const hr = () => Number(process.hrtime.bigint()) / 1e6;
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

lib.configure({ exactWaiters: N, idleTimeout: 60000 });
const gc = globalThis.gc || (() => {});
// A cold start: nothing parked, so waitAsync starts a helper and waits until it has blocked.
const starts = [];
const tc = new Int32Array(new SharedArrayBuffer(8));
for (let round = 0; round < 10; round++) {
  lib.crashHelpers('all');
  const t = hr();
  const r = lib.shim.waitAsync(tc, 0, 0);
  starts.push(hr() - t);
  lib.shim.notify(tc, 0);
  await r.value;
}
lib.crashHelpers('all');
gc();
await sleep(300);
const rss0 = process.memoryUsage().rss;

// N waiters on one address, each with a helper of its own: resident memory per helper.
const ta = new Int32Array(new SharedArrayBuffer(8));
const ps = [];
for (let i = 0; i < N; i++) ps.push(lib.shim.waitAsync(ta, 0, 0).value);
await sleep(500);
gc();
const s = lib.stats();
const rss1 = process.memoryUsage().rss;
const rssPerHelperMB = (rss1 - rss0) / s.helpers / 2 ** 20;
lib.shim.notify(ta, 0);
await Promise.all(ps);
await sleep(100);

// Arming a parked helper: the helpers just freed are parked now.
const arms = [];
const tb = new Int32Array(new SharedArrayBuffer(8));
for (let round = 0; round < 200; round++) {
  const t = hr();
  const r = lib.shim.waitAsync(tb, 0, 0);
  arms.push((hr() - t) * 1000);
  lib.shim.notify(tb, 0);
  await r.value;
}
console.log(JSON.stringify({
  node: process.version, helpers: s.helpers, rssPerHelperMB: +rssPerHelperMB.toFixed(2),
  startMs: { p50: +q(starts, 0.5).toFixed(1), p90: +q(starts, 0.9).toFixed(1) },
  armParkedUs: { p50: +q(arms, 0.5).toFixed(0), p90: +q(arms, 0.9).toFixed(0) },
  missedArming: lib.stats().missedArming,
}));
lib.uninstall();
process.exit(0);

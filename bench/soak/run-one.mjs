// One soak process (spawned by bench/soak/soak.mjs and test/node/soak.test.mjs), run with
// --expose-gc:  node --expose-gc bench/soak/run-one.mjs --mode=shim|native [--cycles=n] [--lanes=n]
//   [--sabs=n] [--rounds=n] [--idle=ms] [--window=n]
// Prints one JSON line with what it counted; the caller judges it.
//
// Part 1, cycles: `lanes` addresses, one async waiter each at a time, from this thread; another
//   thread stores then notifies a random lane at random moments (the pattern of a mutex or a
//   semaphore: the value changes, then the notify). Timeouts are random: a third infinite, the
//   rest uniform 0–1 ms or 0–5 ms. Every waiter is judged:
//   - lost: still pending 5 s after its lane's value changed (a store, so a notify followed);
//     a watchdog then settles it with a same-thread notify, so the run goes on and counts it;
//   - early: "timed-out" before its timeout had elapsed since the call;
//   - late: pending 5 s past its deadline (the watchdog counts it);
//   - invented: "ok" while its lane still holds the value it waited on and no notify was in
//     flight at the call (the other thread never notifies without a store; the notify of a store
//     made just before the call may wake it, as native: counted apart, okFromEarlierStore).
// Part 2, buffers: `rounds` × `sabs` short-lived 4 KiB SharedArrayBuffers, each waited on once
//   and woken by another thread (store then notify); after each round: gc until
//   stats().helperBuffers is ≤ 1 with the helpers alive (forgotten, not retired), heap and RSS;
//   then helpers must retire after idleTimeout, and helperBuffers be 0.
// Part 3, window (only with --window=n): a notify *without* a store sent by another thread 0–1 ms
//   after waitAsync returned, n times: how many such notifies found no waiter (the documented
//   arming window, README "Across agents"); a missed waiter is settled by a same-thread notify.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const arg = (name, d) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : d;
};
const MODE = arg('mode', 'shim');
const CYCLES = Number(arg('cycles', 100000));
const LANES = Number(arg('lanes', 16));
const SABS = Number(arg('sabs', 10000));
const ROUNDS = Number(arg('rounds', 2));
const IDLE = Number(arg('idle', 1000));
const WINDOW = Number(arg('window', 0));

if (MODE === 'shim') delete Atomics.waitAsync; // the shim as on an engine without it
const require = createRequire(import.meta.url);
const lib = require('../../dist/index.cjs');
lib.configure({ idleTimeout: IDLE }); // before install(): its first helper takes it too
if (MODE === 'shim') lib.install();
const { waitAsync, notify } = MODE === 'shim' ? lib.shim : Atomics;
const hasHelpers = MODE === 'shim';

const gc = globalThis.gc || (() => { throw new Error('run with --expose-gc'); });
const now = () => performance.now();
const tick = () => new Promise((r) => setTimeout(r, 0));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;
const mem = () => { const m = process.memoryUsage(); return { heap: m.heapUsed, rss: m.rss }; };
async function settleGc(n = 6) {
  for (let i = 0; i < n; i++) { gc(); await sleep(20); } // finalization callbacks run as tasks
  return mem();
}
const stats = () => (hasHelpers ? lib.stats() : { helpers: 0, helperBuffers: 0, pending: 0, missedArming: 0, changeWakes: 0 });
const helperSrc = (body) => `
  const { parentPort, workerData } = require('worker_threads');
  ${MODE === 'shim' ? 'delete Atomics.waitAsync;' : ''}
  ${body}`;

const out = { mode: MODE, node: process.version, cycles: CYCLES, lanes: LANES };

// ---------------------------------------------------------------- part 1: cycles
async function cycles() {
  // [0, L): the lanes' values; [L, 2L): per lane, the value whose notify has returned; [2L]: stop
  const ta = new Int32Array(new SharedArrayBuffer(4 * (2 * LANES + 2)));
  const STOP = 2 * LANES;
  const notifier = new Worker(helperSrc(`
    const ta = new Int32Array(workerData.sab);
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const lanes = workerData.lanes;
    let notifies = 0, woken = 0;
    while (Atomics.load(ta, 2 * lanes) === 0) {
      const i = (Math.random() * lanes) | 0;
      const v = Atomics.add(ta, i, 1) + 1; // the store
      woken += Atomics.notify(ta, i);      // then the notify
      Atomics.store(ta, lanes + i, v);     // this store's notify is done
      notifies++;
      const r = Math.random();         // pace: mostly short naps, some longer ones
      Atomics.wait(nap, 0, 0, r < 0.8 ? r * 0.1 : r * 1.5);
    }
    parentPort.postMessage({ notifies, woken });`), { eval: true, workerData: { sab: ta.buffer, lanes: LANES } });
  const notifierDone = new Promise((resolve, reject) => { notifier.once('message', resolve); notifier.once('error', reject); });

  const c = { ok: 0, 'timed-out': 0, 'not-equal': 0, sync: 0, lost: 0, early: 0, late: 0, invented: 0, maxLateMs: 0, maxEarlyMs: 0, infinite: 0, okFromEarlierStore: 0 };
  let started = 0;
  const pending = new Array(LANES).fill(null);
  const t0 = now();
  await settleGc();
  const before = mem();

  const watchdog = setInterval(() => {
    const t = now();
    for (let i = 0; i < LANES; i++) {
      const p = pending[i];
      if (!p) continue;
      if (Atomics.load(ta, i) !== p.value) {
        if (p.changedAt === undefined) p.changedAt = t;
        else if (t - p.changedAt > 5000 && !p.lost) { p.lost = true; c.lost++; }
      }
      if (p.deadline !== Infinity && t > p.deadline + 5000 && !p.late) { p.late = true; c.late++; }
      if (p.lost || p.late) notify(ta, i); // a same-thread notify reaches it in any case
    }
  }, 250);

  async function lane(i) {
    while (started < CYCLES) {
      started++;
      const r = Math.random();
      const timeout = r < 1 / 3 ? Infinity : r < 2 / 3 ? Math.random() : Math.random() * 5;
      const value = Atomics.load(ta, i);
      const quiet = Atomics.load(ta, LANES + i) === value; // no notify in flight for this lane
      const t = now();
      const res = waitAsync(ta, i, value, timeout);
      if (!res.async) { c[res.value]++; c.sync++; await tick(); continue; }
      if (timeout === Infinity) c.infinite++;
      const p = { value, deadline: t + timeout };
      pending[i] = p;
      const v = await res.value;
      const elapsed = now() - t;
      pending[i] = null;
      c[v]++;
      if (v === 'timed-out') {
        if (elapsed < timeout) { c.early++; c.maxEarlyMs = Math.max(c.maxEarlyMs, timeout - elapsed); }
        c.maxLateMs = Math.max(c.maxLateMs, elapsed - timeout);
      } else if (Atomics.load(ta, i) === value && !p.lost && !p.late) {
        // "ok" with no store since the call: legitimate only through the notify of a store made
        // just before the call (it was in flight: native wakes such a waiter too)
        if (quiet) c.invented++; else c.okFromEarlierStore++;
      }
    }
  }
  await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
  const seconds = (now() - t0) / 1000;
  clearInterval(watchdog);
  Atomics.store(ta, STOP, 1);
  const n = await notifierDone;
  await notifier.terminate();
  const after = await settleGc();
  const s = stats();
  Object.assign(c, { seconds: +seconds.toFixed(1), notifies: n.notifies, notifyWoken: n.woken, maxLateMs: +c.maxLateMs.toFixed(2), maxEarlyMs: +c.maxEarlyMs.toFixed(3),
    missedArming: s.missedArming, changeWakes: s.changeWakes, pendingAfter: s.pending,
    heapMiB: [before.heap / MiB, after.heap / MiB].map((x) => +x.toFixed(1)),
    rssMiB: [before.rss / MiB, after.rss / MiB].map((x) => +x.toFixed(1)) });
  out.cycleResults = c;
}

// ---------------------------------------------------------------- part 2: buffers
async function buffers() {
  const notifier = new Worker(helperSrc(`
    parentPort.on('message', (sab) => { const t = new Int32Array(sab); Atomics.store(t, 0, 1); parentPort.postMessage(Atomics.notify(t, 0)); });`),
  { eval: true });
  const notified = () => new Promise((resolve) => notifier.once('message', resolve));
  const base = await settleGc();
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    let woken = 0; let counted = 0; let other = 0;
    const t0 = now();
    for (let i = 0; i < SABS; i++) {
      const ta = new Int32Array(new SharedArrayBuffer(4096));
      new Uint8Array(ta.buffer).fill(1, 4); // its pages touched: held, it shows in RSS
      const r = waitAsync(ta, 0, 0, 60000);
      const n = notified();
      notifier.postMessage(ta.buffer);
      counted += await n;
      const v = r.async ? await r.value : r.value;
      if (v === 'ok') woken++; else other++;
    }
    const seconds = (now() - t0) / 1000;
    const held = stats().helperBuffers;
    const peak = mem();
    const tf = now();
    // Forgetting (FinalizationRegistry), helpers alive: measured down to the one buffer the last
    // helper may still serve (see the README), within 10 s.
    while (stats().helperBuffers > 1 && now() - tf < 10000) { gc(); await sleep(10); }
    const freedMs = now() - tf;
    const helperBuffers = stats().helperBuffers;
    const helpersAtFree = stats().helpers; // alive when their buffers went: forgotten, not retired
    const m = await settleGc();
    rounds.push({ sabs: SABS, seconds: +seconds.toFixed(1), woken, counted, other, helperBuffersHeld: held, helperBuffersAfter: helperBuffers,
      helperBuffersFreedMs: +freedMs.toFixed(0), helpersAtFree,
      peakHeapMiB: +(peak.heap / MiB).toFixed(1), peakRssMiB: +(peak.rss / MiB).toFixed(1),
      heapMiB: +(m.heap / MiB).toFixed(1), rssMiB: +(m.rss / MiB).toFixed(1) });
  }
  await notifier.terminate();
  // helpers retire after idleTimeout
  const tr = now();
  const helpersBefore = stats().helpers;
  while (stats().helpers > 0 && now() - tr < IDLE + 30000) await sleep(10);
  const retire = { idleTimeout: IDLE, helpersBefore, helpersAfter: stats().helpers, retiredMs: +(now() - tr).toFixed(0),
    helperBuffersAfter: stats().helperBuffers };
  const end = await settleGc();
  out.buffers = { baseHeapMiB: +(base.heap / MiB).toFixed(1), baseRssMiB: +(base.rss / MiB).toFixed(1), rounds, retire,
    endHeapMiB: +(end.heap / MiB).toFixed(1), endRssMiB: +(end.rss / MiB).toFixed(1) };
}

// ---------------------------------------------------------------- part 3: the notify-without-store window
async function windowMisses() {
  const ta = new Int32Array(new SharedArrayBuffer(16)); // [0] waited on, [1] go word, [2] notify's count
  const notifier = new Worker(helperSrc(`
    const ta = new Int32Array(workerData);
    let seen = 0;
    for (;;) {
      Atomics.wait(ta, 1, seen);
      seen = Atomics.load(ta, 1);
      if (seen < 0) break;
      const delay = Math.random();                  // 0–1 ms after waitAsync returned
      const t = performance.now();
      while (performance.now() - t < delay) { /* spin */ }
      Atomics.store(ta, 2, Atomics.notify(ta, 0, 1) + 1); // a notify without a store
      Atomics.notify(ta, 2);
    }`), { eval: true, workerData: ta.buffer });
  let missed = 0; let ok = 0;
  for (let i = 1; i <= WINDOW; i++) {
    Atomics.store(ta, 2, 0);
    const r = waitAsync(ta, 0, 0);
    Atomics.store(ta, 1, i);
    Atomics.notify(ta, 1);
    const w = waitAsync(ta, 2, 0, 10000); // the count, without blocking this thread
    if (w.async) await w.value;
    const count = Atomics.load(ta, 2) - 1;
    if (count === 0) { missed++; notify(ta, 0, 1); }
    if ((await r.value) === 'ok') ok++;
  }
  Atomics.store(ta, 1, -1);
  Atomics.notify(ta, 1);
  await notifier.terminate();
  out.window = { n: WINDOW, missed, ok, missRate: missed / WINDOW };
}

if (CYCLES > 0) await cycles();
if (SABS > 0) await buffers();
if (WINDOW > 0) await windowMisses();
console.log(JSON.stringify(out));
process.exit(0);

// Child process for faults.test.mjs: helper threads that cannot start. argv: dist/index.cjs, mode.
//   sync:  `new Worker` throws (as when the OS refuses a thread).
//   async: every helper dies with an 'error' event before it answers (as a worker that fails to
//          boot): the engine must stop respawning after a short streak, not loop. The helpers
//          started before the swap (the armed one and the spare kept ahead of need) are killed
//          first, so every helper from then on is one that dies.
// Prints one JSON line: what the calls returned or threw, and how many workers were attempted.
const wt = require('worker_threads');
const { EventEmitter } = require('events');
delete Atomics.waitAsync;
const [lib, mode] = [require(process.argv[2]), process.argv[3]];
const RealWorker = wt.Worker;
let attempts = 0;
class ThrowingWorker { constructor() { attempts++; throw new Error('EAGAIN: thread limit reached'); } }
class DyingWorker extends EventEmitter {
  constructor() {
    super();
    attempts++;
    setTimeout(() => this.emit('error', new Error('ERR_WORKER_INIT_FAILED')), 1);
  }
  postMessage() {}
  unref() {}
  terminate() { return Promise.resolve(0); }
}
const ta = new Int32Array(new SharedArrayBuffer(16));
const out = { mode };
const settle = (p) => p.then((v) => v, (e) => `rejected: ${e}`);
/** A generous deadline on an event: a waiter that never settles is reported, not a hang. */
const settleWithin = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(() => r(`still pending after ${ms} ms`), ms))]);
const tryWait = (i, t) => {
  try { const r = lib.waitAsync(ta, i, 0, t); return { async: r.async, value: r.async ? settle(r.value) : r.value }; }
  catch (e) { return { threw: `${e.constructor.name}: ${e.message}` }; }
};
(async () => {
  lib.configure({ keepAlive: true });
  // A wait registered while helpers still start, on address 0.
  const before = tryWait(0);
  wt.Worker = mode === 'sync' ? ThrowingWorker : DyingWorker;
  if (mode === 'sync') {
    lib.crashHelpers(); // its helper dies: the replacement cannot start
    out.first = tryWait(1, 50);
  } else {
    lib.crashHelpers('all');
    const first = tryWait(1, 100);
    out.firstAsync = first.async;
    out.firstValue = await first.value; // settles by its timeout, though no helper ever ran
    await new Promise((r) => setTimeout(r, 300)); // time for a respawn loop to show itself
  }
  out.later = tryWait(2, 50);
  out.attempts = attempts;
  if (mode === 'async') {
    await new Promise((r) => setTimeout(r, 300)); // a respawn loop would show more attempts
    out.attemptsAfter = attempts;
  }
  out.helpers = lib.stats().helpers;
  // The wait registered before the failure still settles by a same-agent notify.
  out.notified = lib.notify(ta, 0, 1);
  out.before = await settleWithin(before.value, 10000);
  wt.Worker = RealWorker;
  console.log(JSON.stringify(out));
  process.exit(0);
})();

// Workload 8 (bench/README.md, "What is measured"): how long the `waitAsync` and `notify` calls
// themselves take in the calling thread (DESIGN §4 "Calls"). One function for the Node bench and
// the browser page (plain ES2021, no Node module: the page imports this file as it is).
import { seriesOf } from './stats.mjs';

// Shared Int32 slots of the partner and spinner workers (the agents' PING, PONG, STOP).
const PING = 0;
const PONG = 1;
const STOP = 2;
/** Slots of this thread's own buffer: the same-thread waiter, and the burst's one address. */
const OWN = 0;
const BURST_AT = 16;

/** Every wait passes this timeout (a finite one, as timed code does); one that runs out is lost. */
export const CALL_TIMEOUT_MS = 10000;
/** Waits started by one task in the burst, all on one address. */
export const BURST = 50;

/**
 * The smallest step of `now()` (ms) seen in about 5 ms of reading it, in µs: the resolution the
 * call durations below are quantized to (browsers coarsen performance.now()).
 */
export function timerStepUs(now) {
  let step = Infinity;
  let last = now();
  for (const end = last + 5; ;) {
    const t = now();
    if (t !== last) {
      step = Math.min(step, t - last);
      last = t;
    }
    if (t > end) break;
  }
  return Math.round(step * 1e6) / 1e3;
}

/**
 * One chunk of call durations, in µs of `now()` (ms):
 *  - waitAsync: a `waitAsync(ctl, PONG, seq - 1, CALL_TIMEOUT_MS)` that returns a promise, which a
 *    worker partner (agent role 'pong', blocked in Atomics.wait on PING) then settles by store +
 *    notify once this thread has stored and notified PING: a ping-pong;
 *  - notify: while that wait is pending, this thread starts a wait on its own buffer and times the
 *    `notify(own, OWN, 1)` that wakes it (it must return 1);
 *  - burst: one task starting BURST waits on one address (the common case: many tasks waiting on
 *    one condition), timed from the first call to the return of the last (how long the thread is
 *    blocked); then this thread notifies them all, awaits them, and yields a macrotask.
 * busy: two more workers (agent role 'spin') spin in a busy loop the whole chunk.
 * `spawn(role, args)` starts one agent of this host, ready and playing `role`, resolving with
 * something to `terminate()`. A wake with PONG unchanged is counted (spurious) and waited again.
 */
export async function callDurations({ waitAsync, notify, now, spawn, busy, rounds, warm, bursts, burstWarm = 3 }) {
  const sab = new SharedArrayBuffer(64);
  const ctl = new Int32Array(sab);
  const own = new Int32Array(new SharedArrayBuffer(128));
  const workers = busy ? [await spawn('spin', { sab }), await spawn('spin', { sab })] : [];
  workers.push(await spawn('pong', { sab }));
  const out = { waitAsync: [], notify: [], burst: [], lost: 0, spurious: 0 };
  const settled = (r) => (r.async ? r.value : Promise.resolve(r.value));
  for (let i = 0; i < warm + rounds; i++) {
    const seq = i + 1;
    const t0 = now();
    const r = waitAsync(ctl, PONG, seq - 1, CALL_TIMEOUT_MS);
    const t1 = now();
    const mine = waitAsync(own, OWN, 0, CALL_TIMEOUT_MS);
    const t2 = now();
    const n = notify(own, OWN, 1);
    const t3 = now();
    if (!r.async || !mine.async) throw new Error(`calls round ${i}: waitAsync returned ${r.value} / ${mine.value}`);
    if (n !== 1) throw new Error(`calls round ${i}: the same-thread notify woke ${n}`);
    Atomics.store(ctl, PING, seq);
    notify(ctl, PING);
    if ((await mine.value) !== 'ok') out.lost++;
    let v = await r.value;
    while (v === 'ok' && Atomics.load(ctl, PONG) === seq - 1) {
      out.spurious++;
      v = await settled(waitAsync(ctl, PONG, seq - 1, CALL_TIMEOUT_MS));
    }
    if (v === 'timed-out') out.lost++;
    if (i >= warm) {
      out.waitAsync.push((t1 - t0) * 1000);
      out.notify.push((t3 - t2) * 1000);
    }
  }
  for (let b = 0; b < burstWarm + bursts; b++) {
    const waits = new Array(BURST);
    const t0 = now();
    for (let k = 0; k < BURST; k++) waits[k] = settled(waitAsync(own, BURST_AT, 0, CALL_TIMEOUT_MS));
    const t1 = now();
    notify(own, BURST_AT);
    for (const v of await Promise.all(waits)) if (v !== 'ok') out.lost++;
    if (b >= burstWarm) out.burst.push((t1 - t0) * 1000);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  Atomics.store(ctl, STOP, 1);
  Atomics.store(ctl, PING, -1);
  Atomics.notify(ctl, PING);
  await Promise.all(workers.map((w) => w.terminate()));
  return out;
}

/**
 * Pools one chunk (`callDurations`' result) into `C[cond][call][mode]` Series, and counts the calls
 * over 1 ms in `C[cond].over1ms[call][mode]` (the DESIGN's bound for browser windows).
 */
export function poolCalls(C, cond, mode, r) {
  const c = (C[cond] ??= { waitAsync: {}, notify: {}, burst: {}, over1ms: {} });
  for (const call of ['waitAsync', 'notify', 'burst']) {
    seriesOf(c[call], mode).add(r[call]);
    const over = (c.over1ms[call] ??= {});
    over[mode] = (over[mode] || 0) + r[call].filter((us) => us > 1000).length;
  }
}

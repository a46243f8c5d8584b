// Native-vs-shim harness for test/node/cross-thread.test.mjs. Every scenario runs once per mode:
//   native: this thread uses V8's own Atomics.waitAsync / Atomics.notify, every worker keeps them;
//   shim:   this thread uses the package's shim.waitAsync / shim.notify, every worker deletes the
//           native waitAsync and install()s the package (the prelude of support/agents.mjs).
// A run yields what a user can observe: each waiter's outcome, the order this thread saw its own
// waiters settle, and what the notify returned. Nothing here measures time: a waiter native would
// wake gets a long deadline (FOREVER) and the run waits for it as an event; a waiter native leaves
// asleep gets REST ms and must settle "timed-out" (its deadline is the observation window).
import { agent, until } from './agents.mjs';

const lib = await import('../../../dist/index.mjs');

/** V8's own functions, captured before any test installs the shim. */
export const NATIVE = { waitAsync: Atomics.waitAsync, notify: Atomics.notify };
if (typeof NATIVE.waitAsync !== 'function' || !/\[native code\]/.test(Function.prototype.toString.call(NATIVE.waitAsync))) {
  throw new Error('cross-thread suite: needs a Node with a native Atomics.waitAsync (Node 16+), not installed over');
}
export const MODES = ['native', 'shim'];
export const fns = (mode) => (mode === 'native' ? NATIVE : lib.shim);

/** Deadline of a waiter native wakes: it must settle "ok" long before (an event we wait for). */
export const FOREVER = 20000;
/**
 * Diagnostic only, never set in CI: CROSS_THREAD_ARM_MS=1500 makes runRow wait that long before
 * each row's notify (and REST grow by as much), which tells failures of the arming window (the
 * notify landed before the waiter was in the native queue) from failures of the count.
 */
export const ARM_MS = Number(process.env.CROSS_THREAD_ARM_MS || 0);
/** Deadline of a waiter native does not wake: it must settle "timed-out", not "ok". */
export const REST = 1000 + ARM_MS;
/** Ordering aid only (never asserted): lets a worker that said "blocking" enter Atomics.wait. */
export const SETTLE_MS = 200;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let nextId = 1;
export const newId = () => nextId++;

// ---- agents ------------------------------------------------------------------------------------

const live = new Set();

/** A worker agent in `mode` (see the top of this file); tracked so terminateAll() ends it. */
export function modeAgent(mode, body, workerData) {
  const a = agent(body, workerData, { native: mode === 'native' });
  live.add(a);
  const end = a.terminate;
  a.terminate = () => { live.delete(a); return end(); };
  a.worker.on('error', (e) => { a.failed = e; });
  return a;
}

/** Ends every agent still running (also those a failed test left behind). */
export function terminateAll() {
  return Promise.all([...live].map((a) => a.terminate()));
}

export const ready = (a) => a.next((m) => m.op === 'ready', 60000, 'ready');

// A buffer posted to a worker arrives as a new SharedArrayBuffer object every time, and the shim
// keys waiter lists by the buffer object (a second object for the same memory notifies like
// another thread). So, as an application would, each agent gets each buffer once: messages name
// it by id (bufferRef) and carry it only the first time.
const bufferIds = new WeakMap();
let nextBufferId = 1;
/** { bid, sab? } for `agent`: the buffer itself only if this agent has not seen it yet. */
export function bufferRef(agent, sab) {
  let bid = bufferIds.get(sab);
  if (bid === undefined) bufferIds.set(sab, (bid = nextBufferId++));
  agent.known ??= new Set();
  if (agent.known.has(bid)) return { bid };
  agent.known.add(bid);
  return { bid, sab };
}
const BUFFERS = `
const buffers = new Map();
const bufferOf = (m) => { if (m.sab) buffers.set(m.bid, m.sab); return buffers.get(m.bid); };
`;

/** Holds async waiters: { op: 'wait', id, ...bufferRef, index, value, timeout } → registered, then settled. */
export const WAITER_HOST = BUFFERS + `
let seq = 0;
parentPort.on('message', (m) => {
  if (m.op === 'wait') {
    const ta = new Int32Array(bufferOf(m));
    const r = Atomics.waitAsync(ta, m.index, m.value, m.timeout);
    send({ op: 'registered', id: m.id, async: r.async });
    if (r.async) r.value.then((v) => send({ op: 'settled', id: m.id, v, seq: ++seq }));
    else send({ op: 'settled', id: m.id, v: r.value, seq: ++seq });
  } else if (m.op === 'stats') {
    const s = lib.stats();
    send({ op: 'stats', id: m.id, stats: { helpers: s.helpers, armed: s.armed, blocked: s.blocked, pending: s.pending,
      exactWaiters: s.exactWaiters, missedArming: s.missedArming } });
  }
});
send({ op: 'ready' });
`;

/** One sync waiter: { op: 'wait', … } → "blocking", then Atomics.wait, then settled. */
export const SYNC_WAITER = `
parentPort.once('message', (m) => {
  const ta = new Int32Array(m.sab);
  send({ op: 'blocking', id: m.id });
  const v = Atomics.wait(ta, m.index, m.value, m.timeout);
  send({ op: 'settled', id: m.id, v });
});
send({ op: 'ready' });
`;

/** { op: 'notify', id, ...bufferRef, ops: [{ index, count, store? }] } → each op's notify return value. */
export const NOTIFIER = BUFFERS + `
parentPort.on('message', (m) => {
  if (m.op !== 'notify') return;
  const ta = new Int32Array(bufferOf(m));
  const n = [];
  for (const x of m.ops) {
    if (x.store !== undefined) Atomics.store(ta, x.index, x.store);
    n.push(Atomics.notify(ta, x.index, x.count));
  }
  send({ op: 'notified', id: m.id, n });
});
send({ op: 'ready' });
`;

/** Control words of a racer: it spins on FLAG once it has set SPINNING. */
export const SPINNING = 0;
export const FLAG = 1;
/**
 * { op: 'race', id, rep, sab, ctl, index, action: 'notify' | 'store', value } → sets SPINNING =
 * rep, spins until FLAG = rep (the other thread sets it right after its waitAsync returned), then
 * at once notify(index, 1) (no store) or store(index, value) (no notify).
 */
export const RACER = `
parentPort.on('message', (m) => {
  if (m.op !== 'race') return;
  const ta = new Int32Array(m.sab);
  const ctl = new Int32Array(m.ctl);
  Atomics.store(ctl, ${SPINNING}, m.rep);
  const end = Date.now() + 60000;
  let spins = 0;
  while (Atomics.load(ctl, ${FLAG}) !== m.rep) {
    if ((++spins & 0xffff) === 0 && Date.now() > end) { send({ op: 'raced', id: m.id, late: true }); return; }
  }
  let n = null;
  if (m.action === 'notify') n = Atomics.notify(ta, m.index, 1);
  else Atomics.store(ta, m.index, m.value);
  send({ op: 'raced', id: m.id, n });
});
send({ op: 'ready' });
`;

/** Burns a core until its stop word is set (load for the busy-machine variants). */
export const SPINNER = `
const stop = new Int32Array(workerData);
send({ op: 'ready' });
while (Atomics.load(stop, 0) === 0) {}
`;

const pools = new Map();
/** Per mode, started once: a notifier and four async-waiter hosts (their helpers persist, as in an app). */
export async function pool(mode) {
  if (!pools.has(mode)) {
    pools.set(mode, (async () => {
      const p = { notifier: modeAgent(mode, NOTIFIER), hosts: [0, 1, 2, 3].map(() => modeAgent(mode, WAITER_HOST)) };
      await Promise.all([p.notifier, ...p.hosts].map(ready));
      return p;
    })());
  }
  return pools.get(mode);
}
export function forgetPools() { pools.clear(); }

/** Asks `notifier` to run `ops` on `sab` (in order, at once) and resolves with their return values. */
export async function notifyFrom(notifier, sab, ops) {
  const id = newId();
  const done = notifier.next((m) => m.op === 'notified' && m.id === id, 60000, 'the notifier\'s answer');
  notifier.post({ op: 'notify', id, ...bufferRef(notifier, sab), ops });
  return (await done).n;
}

// ---- rows --------------------------------------------------------------------------------------

/**
 * One row: `waiters` join the queue of (sab, index) in this order (each { at: 'main' | agent,
 * sync?, timeout }; a worker's wait is acknowledged before the next one is made), all waiting for
 * 0; then `notifier` stores `store` there if given and calls notify(index, count).
 * Resolves once every waiter settled with { outcomes, mainOrder, returned }: mainOrder lists the
 * waiters of this thread in the order their "ok" reached this thread.
 */
export async function runRow(mode, { waiters, count, store, notifier, sab = new SharedArrayBuffer(16), index = 0 }) {
  const { waitAsync } = fns(mode);
  const ta = new Int32Array(sab);
  const outcomes = waiters.map(() => 'pending');
  const mainOrder = [];
  const done = [];
  for (let k = 0; k < waiters.length; k++) {
    const w = waiters[k];
    if (w.at === 'main') {
      const r = waitAsync(ta, index, 0, w.timeout);
      if (!r.async) outcomes[k] = r.value;
      else done.push(r.value.then((v) => { outcomes[k] = v; if (v === 'ok') mainOrder.push(k); }));
      continue;
    }
    const id = newId();
    const msg = { op: 'wait', id, ...(w.sync ? { sab } : bufferRef(w.at, sab)), index, value: 0, timeout: w.timeout };
    if (w.sync) {
      const blocking = w.at.next((m) => m.op === 'blocking' && m.id === id, 60000, 'a sync waiter blocking');
      w.at.post(msg);
      await blocking;
      await sleep(SETTLE_MS); // ordering aid: it enters Atomics.wait before the next waiter queues
    } else {
      const registered = w.at.next((m) => m.op === 'registered' && m.id === id, 60000, 'a worker\'s waitAsync');
      w.at.post(msg);
      await registered;
    }
    done.push(w.at.next((m) => m.op === 'settled' && m.id === id, w.timeout + 60000, 'a worker\'s waiter settling')
      .then((m) => { outcomes[k] = m.v; }));
  }
  const op = { index, count };
  if (store !== undefined) op.store = store;
  if (ARM_MS) await sleep(ARM_MS);
  const [returned] = await notifyFrom(notifier, sab, [op]);
  await Promise.all(done);
  return { outcomes, mainOrder, returned };
}

/** What native (the spec) does for a row: the first min(count, N) in queue order wake. */
export function expectedRow(waiters, count) {
  const e = count === undefined ? waiters.length : Math.min(count, waiters.length);
  const outcomes = waiters.map((_, k) => (k < e ? 'ok' : 'timed-out'));
  const mainOrder = waiters.map((w, k) => (w.at === 'main' && k < e ? k : -1)).filter((k) => k >= 0);
  return { outcomes, mainOrder, returned: e };
}

/** Waiters in queue order, the first `woken` with FOREVER, the rest with REST. */
export function queue(ats, count) {
  const e = count === undefined ? ats.length : Math.min(count, ats.length);
  return ats.map((at, k) => (typeof at === 'object' && at.sync
    ? { at: at.agent, sync: true, timeout: k < e ? FOREVER : REST }
    : { at, timeout: k < e ? FOREVER : REST }));
}

const ranges = (ks) => {
  const out = [];
  for (let i = 0; i < ks.length; i++) {
    let j = i;
    while (j + 1 < ks.length && ks[j + 1] === ks[j] + 1) j++;
    out.push(j > i + 1 ? `${ks[i]}–${ks[j]}` : j === i + 1 ? `${ks[i]},${ks[j]}` : `${ks[i]}`);
    i = j;
  }
  return `[${out.join(',')}]`;
};

/** One line for failure messages and the report. */
export function show(o) {
  if (!o) return '(no observation)';
  const ok = o.outcomes.map((v, k) => (v === 'ok' ? k : -1)).filter((k) => k >= 0);
  const rest = o.outcomes.map((v, k) => (v !== 'ok' ? k : -1)).filter((k) => k >= 0);
  const kinds = [...new Set(rest.map((k) => o.outcomes[k]))];
  return `returned ${o.returned}, woke ${ok.length} ${ranges(ok)}` +
    (o.mainOrder && o.mainOrder.length > 1 ? ` (this thread in order ${ranges(o.mainOrder)})` : '') +
    (rest.length ? `, not woken ${ranges(rest)} (${kinds.join('/')})` : '');
}

export { until };
export const stats = () => lib.stats();
export const configure = (o) => lib.configure(o);

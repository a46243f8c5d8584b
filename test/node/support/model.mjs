// A reference model of the main agent's async waiter lists (FIFO per byte address, counts,
// deadlines) and of the v2 cross-thread contract (DESIGN.md §2), and a driver that runs random
// schedules against the real package: the main agent's shim waiters and notifies through aliasing
// views, main-agent stores, and a worker agent's notify(i, c) with or without a store first, for
// c in 1..K+1 and ∞ (K = exactWaiters; the tests set it small so that schedules go beyond it).
// Shared by test/node/model.test.mjs (small CI budget), test/stress.mjs (long) and the browsers'
// test/browser/suites/model.mjs (bundled with fast-check): no host API beyond timers and
// performance.now(); the other agent comes in as `foreign` (Node: support/model-node.mjs).
//
// The rules checked, per schedule (every wait is on an event with a generous deadline; nothing
// sleeps as an assertion):
// - a waitAsync whose value differs returns { async: false, value: 'not-equal' } synchronously;
//   one on the current value returns a promise (no other thread writes during the call);
// - a same-agent notify(k), any number of waiters: returns exactly min(k, N) and wakes exactly the
//   FIFO-first min(k, N) pending waiters of that byte address, which settle in FIFO order;
// - a notify from the worker while the address has N <= K pending waiters (each with its own
//   helper, all blocked): the same — native's woken set, native's count, FIFO settling;
// - beyond the budget (N > K): the FIFO-first min(c, N) are woken (no under-wake) and the count is
//   at most min(c, N); notify(i, 1) wakes exactly one; more than min(c, N) only if c reached every
//   helper of the address (c >= its helpers: the documented over-wake), else exactly those;
// - no waiter settles "ok" unless a notify was entitled to wake it (above), or it had no helper of
//   its own at registration (beyond the budget) and its value changed while it waited (a change it
//   could have missed: DESIGN §2.3); a waiter with its own helper is woken by a store alone only
//   where the package counted it in stats().changeWakes (its helper was between publishing
//   BLOCKED and blocking when the store came: README, "Across agents");
// - every waiter settles exactly once, "timed-out" never before its deadline, never for an
//   infinite timeout, and none stays pending past its deadline + SLACK ms.
// Deadlines that fall right at a notify (within TIE_MS after it, or the judging window beyond the
// budget) may go either way, as they may across threads natively: such a waiter may time out
// instead of being woken (the wake then goes to the next, and the count may include it once).
import fc from 'fast-check';

export const SLACK = 5000;
/** exactWaiters for model runs: small, so that schedules of ~18 operations go beyond it. */
export const MODEL_K = 2;
/** A deadline this close after a notify may win against it (thread scheduling on a loaded machine). */
const TIE_MS = 20;
/** After every helper shows BLOCKED, this long for each to get into Atomics.wait (AWA_MODEL_QUIET_MS). */
const QUIET_MS = Number(globalThis.AWA_MODEL_QUIET_MS ?? 5);
/** Beyond the budget a wake may land the engine's judging window (10 ms) later: a wider tie. */
const TIE_BEYOND_MS = 60;
/** Longest finite timeout generated below (larger ones are 60 s: never reached in a run). */
const SHORT_MS = 40;
/** Byte addresses used: 8-aligned so a BigInt64Array view can alias each. */
const LOCS = [0, 8, 16];
const BYTES = 32;
const flushMicrotasks = async () => { for (let i = 0; i < 8; i++) await null; };
const DEBUG = typeof process !== 'undefined' && !!process.env.MODEL_DEBUG;

/** Polls `cond` on every macrotask until true or `ms` elapse (for state the model cannot await). */
async function until(cond, ms, what) {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}
const countName = (c) => (c === undefined ? '∞' : String(c));

// ---- schedules ------------------------------------------------------------------------------

/** Address 0 three times in five: more waiters per address, so more schedules go beyond the budget. */
const locArb = fc.integer({ min: 0, max: 4 }).map((x) => (x >= 3 ? 0 : x));
/** Counts 1..K+1 and ∞ (undefined). */
const countArb = fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: MODEL_K + 1 }));

export const opArb = fc.oneof(
  { weight: 8, arbitrary: fc.record({
    op: fc.constant('wait'),
    loc: locArb,
    view: fc.integer({ min: 0, max: 3 }),
    // undefined = +∞; small finite timeouts race with everything else
    timeout: fc.oneof(fc.constant(undefined), fc.constant(undefined), fc.integer({ min: 1, max: SHORT_MS }), fc.constant(60000)),
    wrong: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  }) },
  { weight: 3, arbitrary: fc.record({
    op: fc.constant('notify'),
    loc: locArb,
    view: fc.integer({ min: 0, max: 3 }),
    count: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: MODEL_K + 1 })),
  }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('store'), loc: locArb }) },
  { weight: 4, arbitrary: fc.record({
    op: fc.constant('foreignNotify'),
    loc: locArb,
    count: countArb,
    store: fc.boolean(),
  }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tick'), ms: fc.integer({ min: 0, max: 30 }) }) },
);

export const scheduleArb = fc.array(opArb, { minLength: 4, maxLength: 20 });

// ---- the driver -----------------------------------------------------------------------------

/** Views aliasing byte `b`: Int32 at byteOffset 0/4/8 and BigInt64 over the same bytes. */
function viewFor(buf, b, v) {
  const kinds = [[0, 'i32'], [4, 'i32'], [8, 'i32'], [0, 'i64']].filter(([off]) => off <= b);
  const [off, kind] = kinds[v % kinds.length];
  if (kind === 'i64') return { ta: new BigInt64Array(buf), index: b / 8, big: true };
  return { ta: new Int32Array(buf, off), index: (b - off) / 4, big: false };
}

class ModelError extends Error {}
const fail = (msg) => { throw new ModelError(msg); };
const ids = (ws) => `#${ws.map((w) => w.id).join(',#')}`;
/** Settled "ok" by a store the package counted as a change its helper could have missed (changeWakes). */
const changeWoken = (w) => w.state === 'ok' && w.stored && w.cw > w.cw0;

/**
 * Runs one schedule; throws (with a description of the violation) if the package departs from
 * the model. `lib` is the package (dist/index.mjs, or the browser build); `foreign` the other
 * agent: `foreign.notify(buf, byte, count, store)` resolves with what its notify returned, after
 * storing `store` first unless undefined (Node: support/model-node.mjs; browsers: a test worker).
 */
export async function runSchedule(ops, { lib, foreign }) {
  const { shim, stats } = lib;
  const K = stats().exactWaiters;
  const buf = new SharedArrayBuffer(BYTES);
  const mem = new Int32Array(buf);
  const waiters = []; // all waiters, in registration order
  const mine = (a) => a.buffer === buf;
  const addressOf = (s, b) => s.addresses.find((a) => a.buffer === buf && a.byteIndex === b);
  const helpersAt = (s, b) => { const a = addressOf(s, b); return a ? a.helpers : 0; };
  const pendingAt = (b) => waiters.filter((w) => w.byte === b && w.state === 'pending');
  const log = [];
  let settleSeq = 0;
  let curStep = -1;
  const trace = () => `schedule:\n  ${log.join('\n  ')}`;

  /** Until every helper bound to a waiter of this schedule is blocked, as many per address as the budget gives. */
  async function quiesce(what) {
    await until(() => {
      const s = stats();
      const ours = s.addresses.filter(mine);
      return s.armed === s.blocked && ours.every((a) => a.helpers === Math.min(a.waiters, K));
    }, 30000, `helpers quiet before ${what}`);
    // BLOCKED is published just before Atomics.wait: leave the helpers time to get there.
    await new Promise((r) => setTimeout(r, QUIET_MS));
    await flushMicrotasks();
  }

  const settledWithin = (w, ms) => until(() => w.state !== 'pending', ms, `waiter #${w.id} settling`).then(() => true, () => false);

  /**
   * Judges one notify against the contract. P: the waiters of the address pending when it was
   * made, in FIFO order; c: its count (undefined = ∞); tieAt: when it had surely happened.
   * exactCount: the count must be native's; allowOver: it may wake more than min(c, N).
   */
  async function judge({ P, c, returned, tieAt, exactCount, allowOver, beyond, label, where }) {
    const need = c === undefined ? Infinity : c;
    const tieOf = (w) => (w.armed && !beyond ? TIE_MS : TIE_BEYOND_MS);
    // Waiters with short deadlines settle by themselves soon: know how each ended first.
    for (const w of P) {
      if (w.timeout > SHORT_MS) continue;
      if (!(await settledWithin(w, Math.max(w.start + w.timeout + SLACK - performance.now(), 0) + 1))) {
        fail(`waiter #${w.id} (timeout ${w.timeout}) still pending ${SLACK} ms past its deadline: ${where()}`);
      }
    }
    // The FIFO-first min(c, N) native wakes; a waiter whose deadline came right at the notify may
    // have timed out instead (a tie): the next one takes its place.
    const required = [];
    let ties = 0;
    for (const w of P) {
      if (required.length >= need) break;
      if (w.state === 'timed-out' && w.start + w.timeout <= tieAt + tieOf(w)) { ties++; continue; }
      required.push(w);
    }
    for (const w of required) {
      if (!(await settledWithin(w, SLACK))) {
        fail(`under-wake: ${label} (returned ${returned}) should wake ${ids(required)} (FIFO-first ${countName(c)} of pending ${ids(P)}), but #${w.id} is still pending ${SLACK} ms later: ${where()}`);
      }
      if (w.state !== 'ok') {
        fail(`under-wake: ${label} (returned ${returned}) should wake ${ids(required)} (FIFO-first ${countName(c)} of pending ${ids(P)}), but #${w.id} settled ${w.state} (deadline +${(w.start + w.timeout - tieAt).toFixed(1)} ms after the notify): ${where()}`);
      }
    }
    await flushMicrotasks();
    const woken = P.filter((w) => w.state === 'ok');
    const extra = woken.filter((w) => !required.includes(w) && !w.wild && !w.eligible && !changeWoken(w));
    if (extra.length > ties && !allowOver) {
      fail(`over-wake: ${label} (returned ${returned}) woke ${ids(woken)}; only ${ids(required)} (FIFO-first ${countName(c)} of pending ${ids(P)}) may wake: ${where()}`);
    }
    // Already woken by an earlier notify (message on the way), or by the store before this notify
    // (its helper was not queued yet: changeWakes), so this notify did not count it.
    const inFlight = required.filter((w) => w.wild || changeWoken(w)).length;
    if (exactCount && (returned < required.length - inFlight || returned > required.length + ties)) {
      fail(`${label} returned ${returned}; it woke ${ids(required)} (FIFO-first ${countName(c)} of pending ${ids(P)}): ${where()}`);
    }
    if (!exactCount && returned > Math.min(need, P.length) + ties) {
      fail(`${label} returned ${returned} with ${P.length} pending: ${where()}`);
    }
    // Settled in queue order (what this thread sees of FIFO).
    const ordered = required.filter((w) => !w.wild);
    for (let i = 1; i < ordered.length; i++) {
      if (ordered[i].order < ordered[i - 1].order) {
        const got = [...ordered].sort((x, y) => x.order - y.order);
        fail(`${label} woke ${ids(ordered)} but they settled in the order ${ids(got)}: ${where()}`);
      }
    }
    for (const w of required) w.okBy = label;
    // Woken beyond those: a wake a tie passed on, or the documented over-wake (it may land later).
    for (const w of extra) w.okBy = `${label} (${allowOver ? 'over-wake' : 'a wake passed on'})`;
    if (allowOver) for (const w of P) if (w.state === 'pending') w.wild = true;
  }

  for (const [step, o] of ops.entries()) {
    curStep = step;
    const b = LOCS[o.loc ?? 0];
    log.push(JSON.stringify(o));
    const where = () => `step ${step} ${JSON.stringify(o)}\n${trace()}`;
    await flushMicrotasks();
    switch (o.op) {
      case 'wait': {
        const { ta, index, big } = viewFor(buf, b, o.view);
        const cur = Atomics.load(mem, b / 4);
        const v = o.wrong ? cur + 1 : cur;
        const s0 = stats();
        const start = performance.now();
        const r = shim.waitAsync(ta, index, big ? BigInt(v) : v, o.timeout);
        if (o.wrong) {
          if (r.async !== false || r.value !== 'not-equal') fail(`waitAsync with a stale value did not return not-equal synchronously: ${where()}`);
          break;
        }
        if (r.async !== true) fail(`waitAsync on the current value was not async (${r.value}): ${where()}`);
        const s1 = stats();
        const w = {
          id: waiters.length, byte: b, value: v, start, timeout: o.timeout ?? Infinity,
          state: 'pending', settles: 0, at: 0, order: 0,
          // A helper of its own, blocked before waitAsync returned (within the budget).
          armed: helpersAt(s1, b) === helpersAt(s0, b) + 1 && s1.missedArming === s0.missedArming,
          eligible: false, wild: false, okBy: null,
          // stats().changeWakes when it registered and when it settled; stored: a store at its
          // address while it waited
          cw0: s1.changeWakes, cw: 0, stored: false,
        };
        const pendingBefore = pendingAt(b).length;
        if (pendingBefore < K && !w.armed && s1.missedArming === s0.missedArming && !pendingAt(b).some((x) => !x.armed)) {
          fail(`waiter #${w.id} is #${pendingBefore + 1} at its address (budget ${K}) but got no helper: ${where()}`);
        }
        r.value.then((x) => {
          if (DEBUG) console.log(`#${w.id} ${x} at step ${curStep} +${(performance.now() - w.start).toFixed(1)}ms`, JSON.stringify(stats().addresses.filter(mine).map((a) => [a.byteIndex, a.waiters, a.helpers])));
          w.settles++; w.state = x; w.at = performance.now(); w.order = ++settleSeq; w.cw = stats().changeWakes;
        }, (e) => { w.settles++; w.state = `rejected: ${e}`; });
        waiters.push(w);
        break;
      }
      case 'notify': {
        const { ta, index } = viewFor(buf, b, o.view);
        const P = pendingAt(b);
        const returned = shim.notify(ta, index, o.count);
        const tieAt = performance.now();
        await judge({
          P, c: o.count, returned, tieAt, exactCount: true, allowOver: false, beyond: P.length > K,
          label: `same-agent notify(${countName(o.count)})`, where,
        });
        break;
      }
      case 'store': {
        const nv = (Atomics.load(mem, b / 4) + 1) & 3;
        Atomics.store(mem, b / 4, nv);
        for (const w of pendingAt(b)) if (w.value !== nv) { w.stored = true; if (!w.armed) w.eligible = true; }
        break;
      }
      case 'foreignNotify': {
        await quiesce(`a foreign notify(${countName(o.count)})`);
        const P = pendingAt(b);
        const H = helpersAt(stats(), b);
        let nv;
        if (o.store) {
          nv = (Atomics.load(mem, b / 4) + 1) & 3;
          for (const w of P) if (w.value !== nv) { w.stored = true; if (!w.armed) w.eligible = true; }
        }
        const returned = await foreign.notify(buf, b, o.count, nv);
        const tieAt = performance.now();
        const beyond = P.length > K;
        const c = o.count === undefined ? Infinity : o.count;
        await judge({
          P, c: o.count, returned, tieAt, beyond,
          exactCount: !beyond,
          // Beyond the budget, a notify that reached every helper of the address may wake all.
          allowOver: beyond && c > 1 && c >= H,
          label: `foreign ${o.store ? 'store, then ' : ''}notify(${countName(o.count)}) with ${P.length} pending and ${H} helper(s)`,
          where,
        });
        break;
      }
      case 'tick':
        await new Promise((r) => setTimeout(r, o.ms));
        break;
      default:
        fail(`unknown op ${o.op}`);
    }
  }

  // Finite deadlines settle on their own, each within SLACK of its deadline.
  for (const w of waiters) {
    if (w.timeout === Infinity || w.timeout >= 60000) continue;
    const left = w.start + w.timeout + SLACK - performance.now();
    if (!(await settledWithin(w, Math.max(left, 0) + 1))) {
      fail(`waiter #${w.id} (timeout ${w.timeout}) still pending ${SLACK} ms past its deadline\n${trace()}`);
    }
  }
  // The rest: a same-agent notify-all per address wakes and counts exactly the waiters still pending.
  for (const b of LOCS) {
    await flushMicrotasks();
    const P = pendingAt(b);
    const { ta, index } = viewFor(buf, b, 0);
    const returned = shim.notify(ta, index);
    await judge({
      P, c: undefined, returned, tieAt: performance.now(), exactCount: true, allowOver: false, beyond: P.length > K,
      label: `final same-agent notify() on byte ${b}`, where: trace,
    });
  }
  if (!(await until(() => waiters.every((w) => w.state !== 'pending'), SLACK, 'all settled').then(() => true, () => false))) {
    fail(`waiters ${ids(waiters.filter((w) => w.state === 'pending'))} never settled\n${trace()}`);
  }
  await flushMicrotasks();

  for (const w of waiters) {
    const s = `waiter #${w.id} (byte ${w.byte}, timeout ${w.timeout}${w.armed ? '' : ', no helper of its own'})`;
    if (w.settles !== 1) fail(`${s} settled ${w.settles} times`);
    if (w.state === 'timed-out') {
      if (w.timeout === Infinity) fail(`${s} timed out with an infinite timeout\n${trace()}`);
      if (w.at - w.start < w.timeout) fail(`${s} timed out after ${(w.at - w.start).toFixed(2)} ms, before its deadline`);
    } else if (w.state === 'ok') {
      if (!w.okBy && !w.wild && !w.eligible && !changeWoken(w)) fail(`${s} settled "ok" with no notify entitled to wake it and no value change it could have missed\n${trace()}`);
    } else fail(`${s} settled ${w.state}`);
  }
  const s = stats();
  if (s.addresses.some(mine)) fail(`stats() still lists addresses of this schedule: ${JSON.stringify(s.addresses.filter(mine).map((a) => a.byteIndex))}`);
  return { waiters: waiters.length, ok: waiters.filter((w) => w.state === 'ok').length, beyond: waiters.filter((w) => !w.armed).length };
}

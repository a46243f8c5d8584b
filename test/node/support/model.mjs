// A reference model of the main agent's async waiter lists (FIFO per byte address, counts,
// deadlines) and of the DOCUMENTED cross-agent model (README, "Across agents: the honest limits"),
// and a driver that runs random schedules against the real package: the main agent's shim waiters
// and notifies through aliasing views, main-agent stores, and a worker agent's store-then-notify
// and notify(1). Shared by test/node/model.test.mjs (small CI budget) and test/stress.mjs (long).
//
// What is checked, per schedule (every wait is on an event with a generous deadline; nothing
// sleeps as an assertion):
// - a waitAsync whose value differs returns { async: false, value: 'not-equal' } synchronously;
// - a same-agent notify(k) returns exactly what the model says and wakes, synchronously, exactly
//   the FIFO-first waiters of that byte address (skipping only waiters a helper may already have
//   claimed for a foreign wake or a value change, which must then all be older ones);
// - no waiter settles "ok" without a notify meant for it or a value change it could have missed:
//   a foreign notify(1) with no store accounts for at most one "ok" (its count) beyond those,
//   and a foreign notify that counted our helper but woke none of the waiters pending when it
//   was sent (they timed out meanwhile) may wake one later waiter there (a wake arriving late);
// - a foreign store-then-notify settles every waiter of the address (documented: wakes all);
// - a foreign notify(1) with no store, sent while the address's helper is blocked, returns 1 and
//   wakes one waiter (documented: reaches the helper once per call, wakes the oldest);
// - every waiter settles exactly once, "timed-out" never before its deadline, never for an
//   infinite timeout, and none stays pending past its deadline + SLACK ms.
import fc from 'fast-check';
import { agent, until } from './agents.mjs';

export const SLACK = 5000;
/** Byte addresses used: 8-aligned so a BigInt64Array view can alias each. */
const LOCS = [0, 8, 16];
const BYTES = 32;
const flushMicrotasks = async () => { for (let i = 0; i < 8; i++) await null; };

// ---- schedules ------------------------------------------------------------------------------

export const opArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    op: fc.constant('wait'),
    loc: fc.integer({ min: 0, max: LOCS.length - 1 }),
    view: fc.integer({ min: 0, max: 3 }),
    // undefined = +∞; small finite timeouts race with everything else
    timeout: fc.oneof(fc.constant(undefined), fc.constant(undefined), fc.integer({ min: 1, max: 40 }), fc.constant(60000)),
    wrong: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  }) },
  { weight: 3, arbitrary: fc.record({
    op: fc.constant('notify'),
    loc: fc.integer({ min: 0, max: LOCS.length - 1 }),
    view: fc.integer({ min: 0, max: 3 }),
    count: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 3 })),
  }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('store'), loc: fc.integer({ min: 0, max: LOCS.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({
    op: fc.constant('foreignStoreNotify'),
    loc: fc.integer({ min: 0, max: LOCS.length - 1 }),
    count: fc.oneof(fc.constant(undefined), fc.constant(1)),
  }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('foreignNotify1'), loc: fc.integer({ min: 0, max: LOCS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tick'), ms: fc.integer({ min: 0, max: 30 }) }) },
);

export const scheduleArb = fc.array(opArb, { minLength: 4, maxLength: 18 });

// ---- the worker agent ---------------------------------------------------------------------------

/** One worker agent (native waitAsync deleted, package installed) that stores and notifies on request. */
export function startForeign() {
  const w = agent(`
    parentPort.on('message', (m) => {
      const ta = new Int32Array(m.buf);
      if (m.store !== undefined) Atomics.store(ta, m.byte >> 2, m.store);
      const n = Atomics.notify(ta, m.byte >> 2, m.count === undefined ? undefined : m.count);
      send({ id: m.id, n });
    });
    send('ready');
  `);
  let seq = 0;
  return {
    ready: () => w.next((m) => m === 'ready'),
    async notify(buf, byte, count, store) {
      const id = ++seq;
      w.post({ id, buf, byte, count, store });
      return (await w.next((m) => m && m.id === id, 30000, 'foreign notify reply')).n;
    },
    terminate: () => w.terminate(),
  };
}

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

/**
 * Runs one schedule; throws (with a description of the violation) if the package departs from
 * the model. `lib` is dist/index.mjs; `foreign` from startForeign().
 */
export async function runSchedule(ops, { lib, foreign }) {
  const { shim, stats } = lib;
  const buf = new SharedArrayBuffer(BYTES);
  const mem = new Int32Array(buf);
  const waiters = []; // all waiters, in registration order
  const mine = (a) => a.buffer === buf;
  const pendingAt = (b) => waiters.filter((w) => w.byte === b && w.state === 'pending');
  const log = [];
  /** Per byte address: foreign wakes our helper took that no waiter pending at the time took. */
  const lateWakes = new Map();
  const addLate = (b) => lateWakes.set(b, (lateWakes.get(b) || 0) + 1);
  const takeLate = (b) => { const n = lateWakes.get(b) || 0; if (n) lateWakes.set(b, n - 1); return n > 0; };

  /** Until every helper standing for a live address is blocked and no stale helper is left. */
  async function quiesce(what) {
    await until(() => {
      const s = stats();
      const live = s.addresses.filter((a) => a.helper).length;
      return s.addresses.every((a) => a.helper) && s.armed === live && s.blocked === live;
    }, 30000, `helpers quiet before ${what}`);
    // BLOCKED is raised just before Atomics.wait: leave the helper time to get there.
    await new Promise((r) => setTimeout(r, 5));
    await flushMicrotasks();
  }

  let curStep = -1;
  for (const [step, o] of ops.entries()) {
    curStep = step;
    const b = LOCS[o.loc ?? 0];
    log.push(JSON.stringify(o));
    const where = () => `step ${step} ${JSON.stringify(o)}\nschedule so far:\n  ${log.join('\n  ')}`;
    await flushMicrotasks();
    switch (o.op) {
      case 'wait': {
        const { ta, index, big } = viewFor(buf, b, o.view);
        const cur = Atomics.load(mem, b / 4);
        const v = o.wrong ? cur + 1 : cur;
        const start = performance.now();
        const r = shim.waitAsync(ta, index, big ? BigInt(v) : v, o.timeout);
        if (o.wrong) {
          if (r.async !== false || r.value !== 'not-equal') fail(`waitAsync with a stale value did not return not-equal synchronously: ${where()}`);
          break;
        }
        if (r.async !== true) fail(`waitAsync on the current value was not async (${r.value}): ${where()}`);
        const w = {
          id: waiters.length, byte: b, value: v, start, timeout: o.timeout ?? Infinity,
          state: 'pending', settles: 0, at: 0, eligible: false, foreignToken: false, byLocal: false,
        };
        r.value.then((x) => { if (process.env.MODEL_DEBUG) console.log(`#${w.id} ${x} at step ${curStep} +${(performance.now() - w.start).toFixed(1)}ms`, JSON.stringify(stats().addresses.map((a) => [a.byteIndex, a.waiters, a.helper]))); w.settles++; w.state = x; w.at = performance.now(); }, (e) => { w.settles++; w.state = `rejected: ${e}`; });
        waiters.push(w);
        break;
      }
      case 'notify': {
        const { ta, index } = viewFor(buf, b, o.view);
        const k = o.count === undefined ? Infinity : o.count;
        const before = pendingAt(b);
        const r = shim.notify(ta, index, o.count);
        await flushMicrotasks();
        const woken = before.filter((w) => w.state !== 'pending');
        for (const w of woken) {
          if (w.state !== 'ok') fail(`waiter #${w.id} settled ${w.state} during a same-agent notify: ${where()}`);
          w.byLocal = true;
        }
        if (r !== woken.length) fail(`same-agent notify returned ${r} but woke ${woken.length}: ${where()}`);
        // FIFO: the woken ones are a contiguous run; any older pending ones may only be claims in
        // flight (eligible for a foreign wake or a value change); all younger ones remain.
        const c = woken.length ? before.indexOf(woken[0]) : before.length;
        const run = before.slice(c, c + woken.length);
        if (run.some((w, i) => w !== woken[i])) fail(`same-agent notify woke #${woken.map((w) => w.id)} out of FIFO order (pending were #${before.map((w) => w.id)}): ${where()}`);
        const skipped = before.slice(0, woken.length ? c : before.length);
        const unclaimable = skipped.filter((w) => !w.eligible && !w.foreignToken);
        if (woken.length < Math.min(k, before.length)) {
          // fewer than asked: everything not in flight must have been taken
          if (unclaimable.length) fail(`same-agent notify(${o.count}) returned ${r} while #${unclaimable.map((w) => w.id)} (no wake in flight) stayed pending: ${where()}`);
          const after = before.slice(c + woken.length);
          if (woken.length && after.length) fail(`same-agent notify(${o.count}) left younger waiters #${after.map((w) => w.id)} pending: ${where()}`);
        } else if (woken.length && unclaimable.length) {
          fail(`same-agent notify skipped #${unclaimable.map((w) => w.id)} (no wake in flight): ${where()}`);
        }
        break;
      }
      case 'store': {
        const nv = (Atomics.load(mem, b / 4) + 1) & 3;
        Atomics.store(mem, b / 4, nv);
        for (const w of pendingAt(b)) if (w.value !== nv) w.eligible = true;
        break;
      }
      case 'foreignStoreNotify': {
        const nv = (Atomics.load(mem, b / 4) + 1) & 3;
        const targets = pendingAt(b);
        for (const w of targets) if (w.value !== nv) w.eligible = true;
        const n = await foreign.notify(buf, b, o.count, nv);
        // documented: a store-then-notify wakes all of this agent's waiters on the address
        for (const w of targets.filter((x) => x.value !== nv)) {
          await until(() => w.state !== 'pending', SLACK, 'settle').catch(() =>
            fail(`waiter #${w.id} still pending ${SLACK} ms after a foreign store-then-notify: ${where()}`));
        }
        if (n > 0 && !targets.some((w) => w.state === 'ok' && !w.byLocal)) addLate(b);
        break;
      }
      case 'foreignNotify1': {
        await quiesce('a foreign notify(1)');
        const targets = pendingAt(b);
        const sure = targets.filter((w) => w.timeout === Infinity || w.timeout === 60000);
        // Only waiters pending now may take this wake: the first ones, in FIFO order.
        for (const w of targets) w.foreignToken = true;
        let n = await foreign.notify(buf, b, 1);
        // BLOCKED is raised just before Atomics.wait: on a loaded machine the helper may not be in
        // the wait queue yet, and a notify with no store then finds nobody (the documented window).
        // A notify that returned 0 woke nothing, so sending another one changes no outcome.
        for (let tries = 0; n === 0 && sure.length && tries < 200; tries++) {
          await new Promise((r) => setTimeout(r, 10));
          n = await foreign.notify(buf, b, 1);
        }
        if (n > 1) fail(`foreign notify(1) returned ${n}: ${where()}`);
        if (sure.length && n !== 1) fail(`foreign notify(1) returned ${n} while the helper was blocked for ${targets.length} waiter(s) (#${targets.map((w) => w.id)}): ${where()}`);
        if (n === 1 && sure.length) {
          await until(() => targets.some((w) => w.state === 'ok') || targets.every((w) => w.state !== 'pending'), SLACK,
            'a waiter woken by the foreign notify(1)').catch(() => fail(`foreign notify(1) returned 1 but no waiter woke within ${SLACK} ms: ${where()}`));
        }
        // Settle what is in flight before judging: one message per claim.
        await new Promise((r) => setTimeout(r, 20));
        await flushMicrotasks();
        const okNow = targets.filter((w) => w.state === 'ok' && !w.byLocal && !w.eligible);
        if (okNow.length > n) fail(`foreign notify(1) (returned ${n}) woke ${okNow.length} waiters with no value change: #${okNow.map((w) => w.id)}: ${where()}`);
        for (const w of targets) w.foreignToken = false;
        for (const w of okNow) w.foreignOk = true;
        if (n > 0 && !okNow.length && !targets.some((w) => w.state === 'ok' && !w.byLocal)) addLate(b);
        if (okNow.length === 1 && targets.find((w) => w.state === 'ok' || w.state === 'pending') !== okNow[0]) {
          // the oldest still-unsettled one should be the one woken (it cannot be a timeout's fault:
          // a waiter that timed out is not a candidate)
          const older = targets.slice(0, targets.indexOf(okNow[0])).filter((w) => w.state === 'pending');
          if (older.length) fail(`foreign notify(1) woke #${okNow[0].id} before older #${older.map((w) => w.id)}: ${where()}`);
        }
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
    await until(() => w.state !== 'pending', Math.max(left, 0) + 1, 'deadline').catch(() =>
      fail(`waiter #${w.id} (timeout ${w.timeout}) still pending ${SLACK} ms past its deadline\nschedule:\n  ${log.join('\n  ')}`));
  }
  // The rest: a same-agent notify-all per address returns exactly the number still pending
  // (after in-flight claims land).
  await new Promise((r) => setTimeout(r, 20));
  for (const b of LOCS) {
    await flushMicrotasks();
    const left = pendingAt(b);
    const r = shim.notify(new Int32Array(buf), b / 4);
    await flushMicrotasks();
    const woken = left.filter((w) => w.state !== 'pending');
    const inFlight = left.filter((w) => w.state === 'pending');
    if (inFlight.filter((w) => !w.eligible).length > (lateWakes.get(b) || 0)) fail(`final notify-all left #${inFlight.map((w) => w.id)} pending with no wake in flight\nschedule:\n  ${log.join('\n  ')}`);
    if (r !== woken.length) fail(`final notify-all on byte ${b} returned ${r}, woke ${woken.length}\nschedule:\n  ${log.join('\n  ')}`);
    for (const w of woken) w.byLocal = true;
  }
  await until(() => waiters.every((w) => w.state !== 'pending'), SLACK, 'all settled').catch(() =>
    fail(`waiters #${waiters.filter((w) => w.state === 'pending').map((w) => w.id)} never settled\nschedule:\n  ${log.join('\n  ')}`));
  await flushMicrotasks();

  for (const w of waiters) {
    const s = `waiter #${w.id} (byte ${w.byte}, timeout ${w.timeout})`;
    if (w.settles !== 1) fail(`${s} settled ${w.settles} times`);
    if (w.state === 'timed-out') {
      if (w.timeout === Infinity) fail(`${s} timed out with an infinite timeout\nschedule:\n  ${log.join('\n  ')}`);
      if (w.at - w.start < w.timeout) fail(`${s} timed out after ${(w.at - w.start).toFixed(2)} ms, before its deadline`);
    } else if (w.state === 'ok') {
      if (!w.byLocal && !w.eligible && !w.foreignOk && !takeLate(w.byte)) fail(`${s} settled "ok" with no notify and no value change\nschedule:\n  ${log.join('\n  ')}`);
    } else fail(`${s} settled ${w.state}`);
  }
  const s = stats();
  if (s.addresses.some(mine)) fail(`stats() still lists addresses of this schedule: ${JSON.stringify(s.addresses.filter(mine).map((a) => a.byteIndex))}`);
  return { waiters: waiters.length, ok: waiters.filter((w) => w.state === 'ok').length };
}

export function seedFromEnv() {
  const s = process.env.SEED;
  return s !== undefined && s !== '' ? Number(s) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
}

// Engine scenarios for one Node binary (run by node-old.mjs as a child process, so Node 14 and 15
// run it for real): the package from dist/*.cjs, real worker_threads agents, generous deadlines.
// Environment: AWA_MODE=native|shim, AWA_DEL=1 to delete a native Atomics.waitAsync first (here
// and in every test worker), AWA_ROUNDS (ping-pong rounds). Prints one line "@@RESULT <json>".
// Written for Node 14: no syntax or API newer than that.
'use strict';
const path = require('path');
const fs = require('fs');
const vm = require('vm');
const { Worker } = require('worker_threads');
const { spawnSync } = require('child_process');
const { pathToFileURL } = require('url');

// Node 14/15 have no global performance; the package must not need one (it is not defined here).
const performance = global.performance || require('perf_hooks').performance;
const MODE = process.env.AWA_MODE || 'shim';
const DEL = process.env.AWA_DEL === '1';
const ROUNDS = Number(process.env.AWA_ROUNDS || 1000);
const BIG_ROUNDS = 300;
const ROUND_TIMEOUT = 10000;
const CLOCK_SLACK = 0.1;

const hadWaitAsync = typeof Atomics.waitAsync === 'function';
if (DEL) delete Atomics.waitAsync;
const deleted = typeof Atomics.waitAsync === 'undefined';

const root = path.resolve(__dirname, '../..');
const dist = (f) => path.join(root, 'dist', f);
const lib = require(dist('index.cjs'));
vm.runInThisContext(fs.readFileSync(path.join(root, 'test/browser/workers/agent-core.js'), 'utf8'));
const { val, pingPongWaiter } = global.AWATest;
const expectNative = MODE === 'native';

// ---- a tiny harness ------------------------------------------------------------------------------
const tests = [];
const notes = [];
let cleanups = [];
const GREP = process.env.AWA_GREP ? new RegExp(process.env.AWA_GREP) : null;
function test(name, fn, timeout) { if (!GREP || GREP.test(name)) tests.push({ name, fn, timeout: timeout || 60000 }); }
function defer(fn) { cleanups.push(fn); }
function fail(msg) { const e = new Error(msg); e.assertion = true; throw e; }
function assert(c, msg) { if (!c) fail(msg || 'assertion failed'); }
const show = (v) => (typeof v === 'bigint' ? v + 'n' : typeof v === 'string' ? JSON.stringify(v) : String(v));
function equal(a, b, what) { if (!Object.is(a, b)) fail((what || 'value') + ': expected ' + show(b) + ', got ' + show(a)); }
function deepEqual(a, b, what) {
  const j = (x) => JSON.stringify(x, (k, v) => (typeof v === 'bigint' ? v + 'n' : v));
  if (j(a) !== j(b)) fail((what || 'value') + ': expected ' + j(b) + ', got ' + j(a));
}
function throws(fn, ctor, what) {
  try { fn(); } catch (e) { equal(e && e.constructor, ctor, what + ' error type'); return; }
  fail(what + ': did not throw');
}
function within(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(what + ': no result within ' + ms + ' ms')), ms); })])
    .then((v) => { clearTimeout(t); return v; }, (e) => { clearTimeout(t); throw e; });
}
function until(cond, ms, what) {
  return within(new Promise((resolve) => {
    (function poll() { if (cond()) resolve(); else setTimeout(poll, 2); })();
  }), ms, what);
}

class Agent {
  static start() {
    const a = new Agent(new Worker(path.join(__dirname, 'node-agent.cjs'), { workerData: { del: DEL } }));
    defer(() => a.terminate());
    return within(a.pending(0), 20000, 'starting a test worker').then(() => a);
  }
  constructor(w) {
    this.w = w;
    this.id = 1;
    this.waiting = new Map();
    w.on('message', (m) => {
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error('worker: ' + m.error.name + ': ' + m.error.message));
    });
    w.on('error', (e) => { for (const p of this.waiting.values()) p.reject(e); this.waiting.clear(); });
  }
  pending(id) { return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject })); }
  call(op, args, deadline) {
    const id = this.id++;
    const p = this.pending(id);
    this.w.postMessage(Object.assign({ id, op }, args || {}));
    return within(p, deadline || 30000, 'worker ' + op);
  }
  terminate() { return this.w.terminate(); }
}

// ---- scenarios -----------------------------------------------------------------------------------
test('the engine is what this run claims', () => {
  if (MODE === 'native') assert(hadWaitAsync, 'expected a native Atomics.waitAsync in ' + process.version);
  else if (DEL) { assert(hadWaitAsync, 'nothing to delete'); assert(deleted, 'delete failed'); }
  else equal(hadWaitAsync, false, process.version + ' has a native Atomics.waitAsync');
  equal(lib.hasNativeWaitAsync, expectNative, 'hasNativeWaitAsync');
});

test('require/import shapes: index.cjs, polyfill.cjs, index.mjs, polyfill.mjs share one engine', () => {
  for (const k of ['waitAsync', 'notify', 'isSharedArrayBuffer', 'install', 'uninstall', 'configure', 'stats']) {
    equal(typeof lib[k], 'function', 'index.cjs ' + k);
  }
  equal(typeof lib.shim, 'object', 'index.cjs shim');
  equal(lib.waitAsync, expectNative ? Atomics.waitAsync : lib.shim.waitAsync, 'ponyfill waitAsync');
  if (!expectNative) equal(Atomics.waitAsync, undefined, 'requiring index.cjs installed nothing');
  require(dist('polyfill.cjs'));
  if (expectNative) assert(Atomics.waitAsync !== lib.shim.waitAsync, 'polyfill.cjs replaced a native waitAsync');
  else {
    equal(Atomics.waitAsync, lib.shim.waitAsync, 'polyfill.cjs installed the shim');
    equal(Atomics.notify, lib.shim.notify, 'polyfill.cjs installed notify');
    const d = Object.getOwnPropertyDescriptor(Atomics, 'waitAsync');
    deepEqual([d.writable, d.enumerable, d.configurable], [true, false, true], 'descriptor');
  }
  return import(pathToFileURL(dist('index.mjs')).href).then((esm) => {
    equal(esm.shim, lib.shim, 'index.mjs shares the engine of index.cjs');
    equal(esm.waitAsync, lib.waitAsync, 'index.mjs waitAsync');
    return import(pathToFileURL(dist('polyfill.mjs')).href);
  }).then(() => {
    equal(Atomics.waitAsync, expectNative ? lib.waitAsync : lib.shim.waitAsync, 'after polyfill.mjs');
  });
});

const waitAsync = (a, b, c, d) => lib.waitAsync(a, b, c, d);
const notify = (a, b, c) => lib.notify(a, b, c);

test('synchronous results and validation', () => {
  const i32 = new Int32Array(new SharedArrayBuffer(16));
  const before = expectNative ? 0 : lib.stats().helpers;
  deepEqual(waitAsync(i32, 0, 1), { async: false, value: 'not-equal' }, 'not-equal');
  deepEqual(waitAsync(i32, 0, 0, 0), { async: false, value: 'timed-out' }, 'timeout 0');
  if (!expectNative) equal(lib.stats().helpers, before, 'helpers started by synchronous results');
  throws(() => waitAsync(new Int32Array(4), 0, 0), TypeError, 'non-shared');
  throws(() => waitAsync(new Float64Array(new SharedArrayBuffer(16)), 0, 0), TypeError, 'Float64Array');
  throws(() => waitAsync(i32, 4, 0), RangeError, 'index 4');
  const i64 = new BigInt64Array(new SharedArrayBuffer(16));
  Atomics.store(i64, 1, val(true, 3));
  deepEqual(waitAsync(i64, 1, val(true, 5)), { async: false, value: 'not-equal' }, 'BigInt high bits');
  deepEqual(waitAsync(i64, 1, val(true, 3), 0), { async: false, value: 'timed-out' }, 'BigInt timeout 0');
  equal(notify(i32, 0), 0, 'notify with no waiters');
});

test('same-agent notify(k) wakes exactly the k oldest waiters', () => {
  const i32 = new Int32Array(new SharedArrayBuffer(8));
  const order = [];
  const all = [];
  for (let i = 0; i < 5; i++) {
    const r = waitAsync(i32, 1, 0, 60000);
    all.push(r.value.then((o) => order.push(i + ':' + o)));
  }
  equal(notify(i32, 1, 2), 2, 'notify(2) of 5');
  return until(() => order.length >= 2, 10000, 'two settling').then(() => {
    deepEqual(order, ['0:ok', '1:ok'], 'woken');
    equal(notify(i32, 1), 3, 'notify() of 3');
    return within(Promise.all(all), 10000, 'rest settling');
  });
});

function mainPingPong(kind, rounds) {
  const sab = new SharedArrayBuffer(32);
  const view = kind === 'i64' ? new BigInt64Array(sab) : new Int32Array(sab);
  return Agent.start().then((partner) => {
    const done = partner.call('partner', { sab, index: 1, rounds, kind, perRound: 30000 }, rounds * 30000);
    return pingPongWaiter({ view, index: 1, rounds, kind, timeout: ROUND_TIMEOUT, waitAsync, notify })
      .then((s) => done.then((p) => {
        equal(s.rounds, rounds, 'rounds');
        equal(p.rounds, rounds, 'partner rounds');
        notes.push('main ' + kind + ' ping-pong: ' + s.async + ' async, ' + s.notEqual + ' not-equal');
      }));
  });
}
function workerPingPong(kind, rounds) {
  const sab = new SharedArrayBuffer(32);
  return Promise.all([Agent.start(), Agent.start()]).then(([waiter, partner]) => waiter.call('hello').then((h) => {
    equal(h.hasNativeWaitAsync, expectNative, 'worker hasNativeWaitAsync');
    const done = partner.call('partner', { sab, index: 0, rounds, kind, perRound: 30000 }, rounds * 30000);
    return waiter.call('waiter', { sab, index: 0, rounds, kind, timeout: ROUND_TIMEOUT }, rounds * ROUND_TIMEOUT)
      .then((s) => done.then((p) => {
        equal(s.rounds, rounds, 'rounds');
        equal(p.rounds, rounds, 'partner rounds');
      }));
  }));
}
test('main thread waits, a worker store-then-notifies: ping-pong x' + ROUNDS + ' (Int32Array)', () => mainPingPong('i32', ROUNDS), 180000);
test('main thread waits: ping-pong x' + BIG_ROUNDS + ' (BigInt64Array, high bits)', () => mainPingPong('i64', BIG_ROUNDS), 120000);
test('a worker waits (package loaded there), another notifies: ping-pong x' + ROUNDS, () => workerPingPong('i32', ROUNDS), 180000);

function notifyFromOtherAgent(notifier, sab, index, n) {
  const end = performance.now() + 10000;
  const attempt = () => notifier.call('notify', { sab, index, count: n === Infinity ? null : n, kind: 'i32' }).then((got) => {
    if (got !== 0 || performance.now() > end) return got;
    return new Promise((r) => setTimeout(r, 5)).then(attempt);
  });
  return attempt();
}

test('another worker\'s notify(1), repeated, wakes N main-thread waiters one at a time (FIFO)', () => {
  const sab = new SharedArrayBuffer(16);
  const i32 = new Int32Array(sab);
  const N = 4;
  const order = [];
  for (let i = 0; i < N; i++) waitAsync(i32, 1, 0, 60000).value.then((o) => order.push(i + ':' + o));
  defer(() => notify(i32, 1));
  return Agent.start().then((notifier) => {
    let k = 0;
    const next = () => {
      if (++k > N) return undefined;
      return notifyFromOtherAgent(notifier, sab, 1, 1).then((n) => {
        equal(n, 1, 'notify(1) #' + k + ' returned');
        return until(() => order.length >= k, 10000, 'waiter ' + (k - 1) + ' settling');
      }).then(() => {
        const want = [];
        for (let i = 0; i < k; i++) want.push(i + ':ok');
        deepEqual(order, want, 'settled after notify #' + k);
        return next();
      });
    };
    return next();
  });
});

// Native engines wake k; the shim's one helper per address is counted (and woken) once by a
// foreign notify (README, "Across agents"). Either way the returned count is exact.
const foreignWakes = (k) => (expectNative ? k : 1);

test('another worker\'s notify(k) wakes the oldest of N main-thread waiters, exactly as counted; store-then-notify-all the rest', () => {
  const sab = new SharedArrayBuffer(16);
  const i32 = new Int32Array(sab);
  const N = 6;
  const K = 2;
  const woke = foreignWakes(K);
  const order = [];
  for (let i = 0; i < N; i++) waitAsync(i32, 2, 0, 60000).value.then((o) => order.push(i + ':' + o));
  defer(() => notify(i32, 2));
  return Agent.start().then((notifier) => notifyFromOtherAgent(notifier, sab, 2, K).then((n) => {
    equal(n, woke, 'another agent\'s notify(' + K + ') with ' + N + ' waiters returned');
    return until(() => order.length >= woke, 10000, woke + ' settling');
  }).then(() => {
    deepEqual(order, Array.from({ length: woke }, (_, i) => i + ':ok'), 'woken');
    return notifier.call('notify', { sab, index: 2, count: null, kind: 'i32', store: 1 });
  }).then((rest) => {
    if (expectNative) equal(rest, N - woke, 'store-then-notify-all from another agent returned');
    else assert(rest >= 1, 'store-then-notify-all from another agent reached the helper');
    return until(() => order.length === N, 10000, 'all settling');
  }));
});

const TIMEOUTS = [1, 2.5, 5, 20, 50];
test('timeouts are never early: ' + TIMEOUTS.join(', ') + ' ms', () => {
  const i32 = new Int32Array(new SharedArrayBuffer(4 * TIMEOUTS.length));
  return within(Promise.all(TIMEOUTS.map((t, i) => {
    const t0 = performance.now();
    const r = waitAsync(i32, i, 0, t);
    equal(r.async, true, t + ' ms async');
    return r.value.then((o) => ({ t, o, elapsed: performance.now() - t0 }));
  })), 20000, 'timeouts').then((rs) => {
    for (const r of rs) {
      equal(r.o, 'timed-out', r.t + ' ms outcome');
      const early = 'a ' + r.t + ' ms wait settled early, after ' + r.elapsed.toFixed(3) + ' ms';
      // The package's promise; a native engine's own timer is observed, not judged (V8 in Node
      // rounds the delay down to whole ms on libuv's loop clock and settles up to ~1 ms early).
      if (expectNative) { if (r.elapsed < r.t - CLOCK_SLACK) notes.push('native ' + early); }
      else assert(r.elapsed >= r.t - CLOCK_SLACK, early);
    }
  });
});

test('a pending waitAsync does not keep the process alive (like native V8)', () => {
  const code = (DEL ? 'delete Atomics.waitAsync;' : '') +
    'require(' + JSON.stringify(dist('polyfill.cjs')) + ');' +
    'const r = Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0);' +
    'if (!r.async) process.exit(3);';
  const r = spawnSync(process.execPath, ['-e', code], { timeout: 20000, encoding: 'utf8' });
  assert(!r.error, 'the process did not exit within 20 s' + (r.error ? ' (' + r.error.code + ')' : ''));
  equal(r.status, 0, 'exit status (stderr: ' + (r.stderr || '').trim().slice(0, 300) + ')');
});

test('nothing left pending', () => (expectNative ? undefined : until(() => lib.stats().pending === 0, 10000, 'pending to drain')));

// ---- run -----------------------------------------------------------------------------------------
(async () => {
  const results = [];
  for (const t of tests) {
    const t0 = Date.now();
    let error;
    try {
      await within(Promise.resolve().then(t.fn), t.timeout, 'test "' + t.name + '"');
    } catch (e) {
      error = e;
    }
    for (const c of cleanups.splice(0).reverse()) {
      try { await c(); } catch (e) { /* best effort */ }
    }
    results.push({ name: t.name, ok: !error, ms: Date.now() - t0, error: error ? (error.assertion ? error.message : String(error && error.stack || error)) : undefined });
  }
  const out = {
    version: process.version, mode: MODE, del: DEL,
    passed: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok).length,
    failures: results.filter((r) => !r.ok).map((r) => ({ name: r.name, message: r.error })),
    tests: results, notes,
  };
  process.stdout.write('@@RESULT ' + JSON.stringify(out) + '\n');
  process.exit(0);
})();

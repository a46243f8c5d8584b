// Engine scenarios for one Node-compatible runtime — Node 14/15/20, Bun, Deno (its node: APIs) —
// run by node-old.mjs / bun-deno.mjs as a child process, so each runs it for real: the package's
// Node build from dist/*.cjs, real worker_threads agents, generous deadlines. The scenarios shared
// with the Web Worker host are in scenario-tests.js; the ones here are about Node's module shapes
// and process lifetime. Environment: AWA_MODE=native|shim, AWA_DEL=1 to delete a native
// Atomics.waitAsync first (here and in every test worker), AWA_ROUNDS (ping-pong rounds).
// Prints one line "@@RESULT <json>". Written for Node 14: no syntax or API newer than that.
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

/** What runs this file: Bun and Deno report a Node version in process.version, and their own elsewhere. */
const RUNTIME = typeof Bun !== 'undefined' ? 'Bun ' + Bun.version
  : typeof Deno !== 'undefined' ? 'Deno ' + Deno.version.deno : 'Node ' + process.version.slice(1);
const hadWaitAsync = typeof Atomics.waitAsync === 'function';
if (DEL) delete Atomics.waitAsync;
const deleted = typeof Atomics.waitAsync === 'undefined';

const root = path.resolve(__dirname, '../..');
const dist = (f) => path.join(root, 'dist', f);
const lib = require(dist('index.cjs'));
vm.runInThisContext(fs.readFileSync(path.join(root, 'test/browser/workers/agent-core.js'), 'utf8'));
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
  if (MODE === 'native') assert(hadWaitAsync, 'expected a native Atomics.waitAsync in ' + RUNTIME);
  else if (DEL) { assert(hadWaitAsync, 'nothing to delete'); assert(deleted, 'delete failed'); }
  else equal(hadWaitAsync, false, RUNTIME + ' has a native Atomics.waitAsync');
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

/**
 * Why helpers may not work here, for the helper test's failure message: on a host whose
 * worker_threads workers also have a Web-style `self.postMessage` (Bun), where does a message from
 * the parent arrive — `parentPort`, `self.onmessage`, or both? The helper listens on one of them.
 */
function helperDiagnosis() {
  return new Promise((resolve) => {
    const code = "const { parentPort } = require('worker_threads');" +
      "const got = { selfPostMessage: typeof self !== 'undefined' && typeof self.postMessage === 'function', parentPort: false, selfOnmessage: false };" +
      "if (typeof self !== 'undefined') self.onmessage = () => { got.selfOnmessage = true; };" +
      "parentPort.on('message', (m) => { got.parentPort = true; if (m === 'report') setTimeout(() => parentPort.postMessage(got), 200); });";
    let w;
    try {
      w = new Worker(code, { eval: true });
    } catch (e) {
      resolve(' [worker_threads: new Worker(code, { eval: true }) threw ' + e.message + ']');
      return;
    }
    const t = setTimeout(() => { w.terminate(); resolve(' [a probe worker did not answer within 10 s]'); }, 10000);
    w.on('message', (got) => {
      clearTimeout(t);
      w.terminate();
      let d = ' [this host\'s worker_threads workers: self.postMessage ' + (got.selfPostMessage ? 'exists' : 'absent') +
        '; a message from the parent arrived on parentPort: ' + got.parentPort + ', on self.onmessage: ' + got.selfOnmessage;
      if (got.selfPostMessage && !got.selfOnmessage) {
        d += ' — so a helper that takes self.postMessage for a Web Worker and listens on self.onmessage ' +
          '(src/helper/worker.ts) never gets its control messages and never blocks for a waiter';
      }
      resolve(d + ']');
    });
    w.on('error', (e) => { clearTimeout(t); resolve(' [probe worker failed: ' + e.message + ']'); });
    w.postMessage('hello');
    w.postMessage('report');
  });
}

vm.runInThisContext(fs.readFileSync(path.join(__dirname, 'scenario-tests.js'), 'utf8'));
global.AWAScenarios.define({
  test, defer, note: (n) => notes.push(n), assert, equal, deepEqual, throws, within, until, now: () => performance.now(),
  lib, waitAsync, notify, expectNative, rounds: ROUNDS, bigRounds: BIG_ROUNDS, roundTimeout: ROUND_TIMEOUT,
  clockSlack: CLOCK_SLACK, Agent, helperDiagnosis,
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
    version: process.version, runtime: RUNTIME, mode: MODE, del: DEL,
    passed: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok).length,
    failures: results.filter((r) => !r.ok).map((r) => ({ name: r.name, message: r.error })),
    tests: results, notes,
  };
  process.stdout.write('@@RESULT ' + JSON.stringify(out) + '\n');
  process.exit(0);
})();

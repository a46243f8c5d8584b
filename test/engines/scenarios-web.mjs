// Engine scenarios on a runtime with Web Workers and no DOM (Deno), against the package's browser
// build (dist/index.browser.mjs): the scenarios of scenario-tests.js with module-worker agents
// (test/browser/workers/agent.mjs), plus the browser build's entry points. Run by bun-deno.mjs as
// a child process: `deno run --allow-read=<repo> --allow-env=AWA_MODE,AWA_DEL,AWA_ROUNDS,AWA_GREP
// --allow-run=<deno> test/engines/scenarios-web.mjs` (workers inherit these permissions; the
// keep-alive scenario runs `deno eval`). Environment:
// AWA_MODE=native|shim, AWA_DEL=1 (delete a native Atomics.waitAsync here and in every test
// worker first), AWA_ROUNDS. Prints one line "@@RESULT <json>".
import '../browser/workers/agent-core.js';
import './scenario-tests.js';

const env = (k) => { try { return globalThis.Deno ? Deno.env.get(k) : undefined; } catch { return undefined; } };
const MODE = env('AWA_MODE') || 'shim';
const DEL = env('AWA_DEL') === '1';
const ROUNDS = Number(env('AWA_ROUNDS') || 1000);
const RUNTIME = globalThis.Deno ? `Deno ${Deno.version.deno}` : navigator.userAgent;

const hadWaitAsync = typeof Atomics.waitAsync === 'function';
if (DEL) delete Atomics.waitAsync;
const deleted = typeof Atomics.waitAsync === 'undefined';
const expectNative = MODE === 'native';
const dist = (f) => new URL(`../../dist/${f}`, import.meta.url).href;
const lib = await import(dist('index.browser.mjs'));

// ---- a tiny harness (as in scenarios.cjs) --------------------------------------------------------
const tests = [];
const notes = [];
const note = (n) => notes.push(n);
const cleanups = [];
const GREP = env('AWA_GREP') ? new RegExp(env('AWA_GREP')) : null;
const test = (name, fn, timeout) => { if (!GREP || GREP.test(name)) tests.push({ name, fn, timeout: timeout || 60000 }); };
const defer = (fn) => { cleanups.push(fn); };
const fail = (msg) => { const e = new Error(msg); e.assertion = true; throw e; };
const assert = (c, msg) => { if (!c) fail(msg || 'assertion failed'); };
const show = (v) => (typeof v === 'bigint' ? v + 'n' : typeof v === 'string' ? JSON.stringify(v) : String(v));
const equal = (a, b, what) => { if (!Object.is(a, b)) fail(`${what || 'value'}: expected ${show(b)}, got ${show(a)}`); };
const deepEqual = (a, b, what) => {
  const j = (x) => JSON.stringify(x, (k, v) => (typeof v === 'bigint' ? v + 'n' : v));
  if (j(a) !== j(b)) fail(`${what || 'value'}: expected ${j(b)}, got ${j(a)}`);
};
const throws = (fn, ctor, what) => {
  try { fn(); } catch (e) { equal(e && e.constructor, ctor, what + ' error type'); return; }
  fail(what + ': did not throw');
};
const within = (p, ms, what) => {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: no result within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
};
const until = (cond, ms, what) => within(new Promise((resolve) => {
  (function poll() { if (cond()) resolve(); else setTimeout(poll, 2); })();
}), ms, what);

/** A module worker running agent-core.js with the browser build loaded in it. */
class Agent {
  static start() {
    const url = new URL(`../browser/workers/agent.mjs?del=${DEL ? 1 : 0}`, import.meta.url);
    const a = new Agent(new Worker(url.href, { type: 'module' }));
    defer(() => a.terminate());
    return within(a.pending(0), 20000, 'starting a test worker').then(() => a);
  }
  constructor(w) {
    this.w = w;
    this.id = 1;
    this.waiting = new Map();
    w.onmessage = (e) => {
      const m = e.data;
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`worker: ${m.error.name}: ${m.error.message}`));
    };
    w.onerror = (e) => {
      e.preventDefault();
      for (const p of this.waiting.values()) p.reject(new Error('worker error: ' + (e.message || 'could not start')));
      this.waiting.clear();
    };
  }
  pending(id) { return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject })); }
  call(op, args, deadline) {
    const id = this.id++;
    const p = this.pending(id);
    this.w.postMessage({ id, op, ...(args || {}) });
    return within(p, deadline || 30000, 'worker ' + op);
  }
  terminate() {
    this.w.terminate();
    for (const p of this.waiting.values()) p.reject(new Error('terminated'));
    this.waiting.clear();
  }
}

/**
 * Why no helper starts here, measured: can this runtime start the kinds of workers the browser
 * build tries (a classic worker from a blob: URL and from the shipped file), and a module worker?
 */
async function helperDiagnosis() {
  const tryStart = (url, opts) => new Promise((resolve) => {
    let w;
    try {
      w = new Worker(url, opts);
    } catch (e) {
      resolve(`new Worker(…${opts ? ', ' + JSON.stringify(opts) : ''}) threw ${e.name}: ${e.message}`);
      return;
    }
    const t = setTimeout(() => { w.terminate(); resolve('started, but no message within 10 s'); }, 10000);
    w.onmessage = () => { clearTimeout(t); w.terminate(); resolve('starts'); };
    w.onerror = (e) => { e.preventDefault(); clearTimeout(t); w.terminate(); resolve(`error event: ${e.message}`); };
  });
  const blob = URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' }));
  const classic = await tryStart(blob);
  const moduleWorker = await tryStart(blob, { type: 'module' });
  let d = ` [this runtime: a classic blob: worker: ${classic}; a module blob: worker: ${moduleWorker}`;
  if (classic !== 'starts' && moduleWorker === 'starts') {
    d += ' — it runs module workers only, and the browser build starts its helper as a classic worker ' +
      '(new Worker(url) with no type, src/platform/web.ts), then reports the synchronous failure as a ' +
      'Content-Security-Policy block';
  }
  return d + ']';
}

const waitAsync = (a, b, c, d) => lib.waitAsync(a, b, c, d);
const notify = (a, b, c) => lib.notify(a, b, c);

// ---- scenarios -----------------------------------------------------------------------------------
test('the engine is what this run claims', () => {
  if (MODE === 'native') assert(hadWaitAsync, 'expected a native Atomics.waitAsync in ' + RUNTIME);
  else if (DEL) { assert(hadWaitAsync, 'nothing to delete'); assert(deleted, 'delete failed'); }
  else equal(hadWaitAsync, false, RUNTIME + ' has a native Atomics.waitAsync');
  equal(lib.hasNativeWaitAsync, expectNative, 'hasNativeWaitAsync');
});

test('browser build entry points: index.browser.mjs, polyfill.browser.mjs share one engine; the <script> build too', async () => {
  for (const k of ['waitAsync', 'notify', 'isSharedArrayBuffer', 'install', 'uninstall', 'configure', 'stats']) {
    equal(typeof lib[k], 'function', 'index.browser.mjs ' + k);
  }
  equal(lib.waitAsync, expectNative ? Atomics.waitAsync : lib.shim.waitAsync, 'ponyfill waitAsync');
  if (!expectNative) equal(Atomics.waitAsync, undefined, 'importing the ponyfill installed nothing');
  await import(dist('polyfill.browser.mjs'));
  if (expectNative) assert(Atomics.waitAsync !== lib.shim.waitAsync, 'the polyfill replaced a native waitAsync');
  else {
    equal(Atomics.waitAsync, lib.shim.waitAsync, 'the polyfill installed the shim');
    equal(Atomics.notify, lib.shim.notify, 'the polyfill installed notify');
  }
  // The <script> build is a classic script: evaluated here as a module (no document, no
  // currentScript), it must still share the engine and expose globalThis.AtomicsWaitAsync.
  await import(dist('atomics-wait-async.min.js'));
  assert(globalThis.AtomicsWaitAsync, 'globalThis.AtomicsWaitAsync');
  equal(globalThis.AtomicsWaitAsync.shim, lib.shim, 'the <script> build shares the engine');
});

globalThis.AWAScenarios.define({
  test, defer, note, assert, equal, deepEqual, throws, within, until, now: () => performance.now(),
  lib, waitAsync, notify, expectNative, rounds: ROUNDS, bigRounds: 300, roundTimeout: 10000, clockSlack: 0.1,
  Agent, helperDiagnosis,
});

/** Runs `code` in `deno eval` (the browser build on hand); resolves { code, stderr, ms } or { hung }. */
async function denoEval(code, ms) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  const t0 = performance.now();
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ['eval', `--allow-read=${new URL('../..', import.meta.url).pathname}`, code],
      stdout: 'null', stderr: 'piped', signal: ac.signal, env: { NO_COLOR: '1' },
    }).output();
    return { code: r.code, stderr: new TextDecoder().decode(r.stderr).trim().slice(0, 300), ms: performance.now() - t0, hung: ac.signal.aborted };
  } finally {
    clearTimeout(timer);
  }
}
const prologue = (DEL ? 'delete Atomics.waitAsync;' : '') + `await import(${JSON.stringify(dist('polyfill.browser.mjs'))});` +
  'const r = Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, TIMEOUT);' +
  'if (!r.async) Deno.exit(3);';

if (expectNative) {
  test('a pending waitAsync does not keep the process alive (native)', async () => {
    if (!globalThis.Deno) return;
    const r = await denoEval(prologue.replace('TIMEOUT', 'undefined'), 20000);
    assert(!r.hung, 'the process did not exit within 20 s');
    equal(r.code, 0, `exit status (stderr: ${r.stderr})`);
  });
} else {
  // Unlike worker_threads, Deno's Web Workers cannot be unref()'d: a helper keeps the process
  // alive while it stands for a pending wait (like configure({ keepAlive: true }) on Node). What
  // must hold: once the wait settles, the helpers retire (idleTimeout, default 2 s) and it exits.
  test('a pending waitAsync keeps the process alive until it settles (Web Workers have no unref), then it exits', async () => {
    if (!globalThis.Deno) return;
    const r = await denoEval(prologue.replace('TIMEOUT', '300') + 'const o = await r.value; if (o !== "timed-out") Deno.exit(4);', 20000);
    assert(!r.hung, 'the process did not exit within 20 s of a 300 ms wait (helpers never retired?)');
    equal(r.code, 0, `exit status (stderr: ${r.stderr})`);
    note(`deno eval with one 300 ms shim wait exited after ${r.ms.toFixed(0)} ms`);
  });
}

test('nothing left pending', () => (expectNative ? undefined : until(() => lib.stats().pending === 0, 10000, 'pending to drain')));

// ---- run -----------------------------------------------------------------------------------------
const results = [];
for (const t of tests) {
  const t0 = Date.now();
  let error;
  try {
    await within(Promise.resolve().then(t.fn), t.timeout, `test "${t.name}"`);
  } catch (e) {
    error = e;
  }
  for (const c of cleanups.splice(0).reverse()) {
    try { await c(); } catch { /* best effort */ }
  }
  results.push({ name: t.name, ok: !error, ms: Date.now() - t0, error: error ? (error.assertion ? error.message : String(error && error.stack || error)) : undefined });
}
const out = {
  version: RUNTIME, runtime: RUNTIME, mode: MODE, del: DEL,
  passed: results.filter((r) => r.ok).length,
  failed: results.filter((r) => !r.ok).length,
  failures: results.filter((r) => !r.ok).map((r) => ({ name: r.name, message: r.error })),
  tests: results, notes,
};
console.log('@@RESULT ' + JSON.stringify(out));
// Helpers are Web Workers, which keep this process alive: leave on our own once reported.
if (globalThis.Deno) Deno.exit(0);

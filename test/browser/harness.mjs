// A small test harness for the pages: sequential tests with generous deadlines, per-test pass/fail
// with messages, results posted to the server (which answers with the next page of the session).
import '/test/browser/workers/agent-core.js';

export const params = Object.fromEntries(new URLSearchParams(location.search));
/** native: the page keeps the engine's own waitAsync; shim: the package's (deleted first if native). */
export const mode = params.mode || 'shim';
export const boot = self.__boot || { hadWaitAsync: typeof Atomics.waitAsync === 'function', deleted: false, errors: [] };

const tests = [];
const notes = [];
let cleanups = [];

export function test(name, fn, { timeout = 60000, skip } = {}) {
  tests.push({ name, fn, timeout, skip });
}
export function note(text) {
  notes.push(text);
}
const attached = {};
/** Adds a field to this page's report (data for the matrix, e.g. the oracles' observations). */
export function attach(key, value) {
  attached[key] = value;
}
/** Runs fn after the current test (pass or fail). */
export function defer(fn) {
  cleanups.push(fn);
}

export class AssertionError extends Error {}
export function assert(cond, message) {
  if (!cond) throw new AssertionError(message || 'assertion failed');
}
const show = (v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v));
export function equal(actual, expected, what = 'value') {
  if (!Object.is(actual, expected)) throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}
export function deepEqual(actual, expected, what = 'value') {
  const a = JSON.stringify(actual, (k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  const b = JSON.stringify(expected, (k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  if (a !== b) throw new AssertionError(`${what}: expected ${b}, got ${a}`);
}
export function throws(fn, check, what) {
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    check(e);
  }
  if (!threw) throw new AssertionError(`${what}: did not throw`);
}

/** Resolves with the promise, or rejects if it has not settled within ms. */
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new AssertionError(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls cond() every few ms until true; rejects after ms. Waiting for an event, not a sleep. */
export function until(cond, ms, what) {
  return within(new Promise((resolve) => {
    (function poll() {
      const v = cond();
      if (v) resolve(v);
      else setTimeout(poll, 2);
    })();
  }), ms, what);
}

export function post(path, body) {
  return fetch(`${path}/${params.session}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
}
export function log(line) {
  post('/__log', String(line)).catch(() => {});
}

/** Loads one build of the package in this window: 'esm' (ponyfill module) or 'iife' (<script>). */
export async function loadBuild(build) {
  if (build === 'esm') return import('/dist/index.browser.mjs');
  if (build === 'iife') {
    await loadScript('/dist/atomics-wait-async.min.js');
    return self.AtomicsWaitAsync;
  }
  throw new Error('unknown build ' + build);
}

export function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error('could not load ' + src));
    document.head.appendChild(s);
  });
}

/**
 * Whether test workers keep their Worker constructor. ?nestedWorkers=0 (the "Safari 15.2–16.3"
 * profile) deletes it in every test worker before the package loads: those Safaris have no Worker
 * inside workers (nested workers came with 16.4), so the shim cannot start a helper there.
 */
export const nestedWorkers = params.nestedWorkers !== '0';

/** A test worker running agent-core.js with the package loaded in it ('esm' → module worker). */
export class Agent {
  static async start(build, { del = params.del === '1', nested = nestedWorkers, deadline = 20000 } = {}) {
    const q = `del=${del ? 1 : 0}${nested ? '' : '&nestedWorkers=0'}`;
    const url = build === 'iife'
      ? `/test/browser/workers/agent-classic.js?${q}`
      : `/test/browser/workers/agent.mjs?${q}`;
    const w = new Worker(url, build === 'iife' ? undefined : { type: 'module' });
    const agent = new Agent(w);
    defer(() => agent.terminate());
    await within(agent.pending(0), deadline, `starting a ${build} test worker`);
    return agent;
  }
  constructor(worker) {
    this.worker = worker;
    this.nextId = 1;
    this.waiting = new Map();
    worker.onmessage = (e) => {
      const m = e.data;
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else {
        const err = new Error(`worker: ${m.error.name}: ${m.error.message}`);
        err.stack = m.error.stack;
        p.reject(err);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      for (const p of this.waiting.values()) p.reject(new Error('worker error: ' + (e.message || 'could not start')));
      this.waiting.clear();
    };
  }
  pending(id) {
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }
  call(op, args = {}, deadline = 30000) {
    return within(this.send(op, args), deadline, `worker ${op}`);
  }
  /** Like call, without a deadline: the caller decides how long to wait (and may keep waiting). */
  send(op, args = {}) {
    const id = this.nextId++;
    const p = this.pending(id);
    this.worker.postMessage({ id, op, ...args });
    return p;
  }
  terminate() {
    this.worker.terminate();
    for (const p of this.waiting.values()) p.reject(new Error('terminated'));
    this.waiting.clear();
  }
}

const claimed = [];
/** Marks uncaught errors matching `pred` as expected by the current test. */
export function expectUncaught(pred) {
  claimed.push(pred);
}

function describeError(e) {
  if (e instanceof AssertionError) return e.message;
  return `${e && e.name || 'Error'}: ${e && e.message || e}`;
}

/** Runs the registered tests in order and reports; the server answers with the next page. */
export async function run(suite) {
  const results = [];
  const started = performance.now();
  for (const t of tests) {
    if (t.skip) {
      results.push({ name: t.name, ok: true, skipped: String(t.skip), ms: 0 });
      continue;
    }
    const t0 = performance.now();
    let error;
    try {
      await within(Promise.resolve().then(t.fn), t.timeout, `test "${t.name}"`);
    } catch (e) {
      error = e;
    }
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch { /* cleanup is best effort */ }
    }
    const r = { name: t.name, ok: !error, ms: Math.round(performance.now() - t0) };
    if (error) r.error = describeError(error);
    results.push(r);
    log(`${r.ok ? 'ok  ' : 'FAIL'} ${suite} ${t.name}${r.error ? ' — ' + r.error : ''} (${r.ms} ms)`);
  }
  const uncaught = boot.errors.filter((m) => !claimed.some((p) => p(m)));
  if (uncaught.length) {
    results.push({ name: 'no unexpected uncaught errors', ok: false, error: uncaught.slice(0, 5).join(' | '), ms: 0 });
  }
  const passed = results.filter((r) => r.ok && !r.skipped).length;
  const failed = results.filter((r) => !r.ok).length;
  const body = {
    suite, params, userAgent: navigator.userAgent, passed, failed,
    skipped: results.filter((r) => r.skipped).length,
    failures: results.filter((r) => !r.ok).map((r) => ({ name: r.name, message: r.error })),
    tests: results, notes, ms: Math.round(performance.now() - started), ...attached,
  };
  return finish(body);
}

export async function finish(body) {
  document.title = `${body.failed ? 'FAIL' : 'ok'} ${body.suite}`;
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(body, null, 2);
  document.body.appendChild(pre);
  let next = null;
  for (let i = 0; i < 5; i++) {
    try {
      const res = await post('/__report', body);
      next = (await res.json()).next;
      break;
    } catch { /* retry */ }
  }
  if (next) location.href = next;
}

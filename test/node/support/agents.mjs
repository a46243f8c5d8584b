// Real agents for cross-agent tests: worker_threads workers that load the built package with the
// native Atomics.waitAsync deleted, so every async wait in them goes through the shim (or, with
// `{ native: true }`, that load it and keep V8's own, for native-vs-shim comparisons).
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

export const DIST_CJS = fileURLToPath(new URL('../../../dist/index.cjs', import.meta.url));

const PRELUDE = `
const { parentPort, workerData } = require('worker_threads');
delete Atomics.waitAsync;
const lib = require(${JSON.stringify(DIST_CJS)});
lib.install();
const send = (m) => parentPort.postMessage(m);
`;

const NATIVE_PRELUDE = `
const { parentPort, workerData } = require('worker_threads');
if (typeof Atomics.waitAsync !== 'function') throw new Error('native agent: this Node has no Atomics.waitAsync');
const lib = require(${JSON.stringify(DIST_CJS)});
const send = (m) => parentPort.postMessage(m);
`;

/**
 * Starts an agent running `body` (CommonJS; has lib, send, workerData, parentPort in scope).
 * `native: true` keeps the engine's own Atomics.waitAsync / Atomics.notify (the package is still
 * loaded, not installed).
 */
export function agent(body, workerData, { native = false } = {}) {
  const w = new Worker((native ? NATIVE_PRELUDE : PRELUDE) + body, { eval: true, workerData });
  const inbox = [];
  const waiting = [];
  w.on('message', (m) => {
    const i = waiting.findIndex((x) => x.match(m));
    if (i >= 0) waiting.splice(i, 1)[0].resolve(m);
    else inbox.push(m);
  });
  w.on('error', (e) => { for (const x of waiting.splice(0)) x.reject(e); });
  return {
    worker: w,
    post: (m) => w.postMessage(m),
    /** Next message matching `match`, or a rejection after `ms` (generous deadlines only). */
    next(match = () => true, ms = 30000, what = 'a message') {
      const i = inbox.findIndex(match);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`agent: no ${what} within ${ms} ms`)), ms);
        waiting.push({ match, resolve: (m) => { clearTimeout(t); resolve(m); }, reject });
      });
    },
    terminate: () => w.terminate(),
  };
}

/** Polls `cond` on every macrotask until true or `ms` elapse (for state the test cannot await). */
export async function until(cond, ms = 30000, what = 'condition') {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Resolves with the value, or rejects if `p` has not settled within `ms`. */
export function within(p, ms, what = 'promise') {
  let t;
  return Promise.race([
    p,
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(t));
}

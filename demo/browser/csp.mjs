// The strict-CSP frame of the demo (check d): loaded as csp.html?profile=csp-strict, so under
// `default-src 'self'; worker-src 'self'` (no blob: workers: the shim must start its helper from
// dist/helper.js). It waits with waitAsync, a worker stores and notifies, and the outcome goes to
// the parent page by postMessage. ?impl=shim forces the shim where the engine has its own.
import * as lib from '../../dist/index.browser.mjs';
import { startWorker } from './checks.mjs';

const impl = new URLSearchParams(location.search).get('impl');
const waitAsync = impl === 'shim' ? lib.shim.waitAsync : lib.waitAsync;

/** Whether the policy is really in force: without 'unsafe-eval', eval throws (EvalError). */
function policyEnforced() {
  try {
    (0, eval)('1');
    return false;
  } catch {
    return true;
  }
}

async function check() {
  const enforced = policyEnforced();
  if (waitAsync === lib.shim.waitAsync) await lib.ready(1);
  const view = new Int32Array(new SharedArrayBuffer(4));
  const t0 = performance.now();
  const res = waitAsync(view, 0, 0, 10000);
  if (!res.async) return { ok: false, outcome: res.value, ms: 0, count: 0, policyEnforced: enforced, detail: 'the wait did not queue' };
  const w = startWorker();
  try {
    w.postMessage({ role: 'notify', sab: view.buffer, index: 0, store: 1 });
    const { count } = await w.next(20000, 'the notifying worker');
    const outcome = await res.value;
    const helpers = lib.stats().helpers;
    return {
      ok: enforced && outcome === 'ok' && count === 1,
      outcome, count, ms: performance.now() - t0, policyEnforced: enforced,
      detail: `${waitAsync === lib.shim.waitAsync ? `shim, ${helpers} helper thread(s) started from dist/helper.js` : 'native waitAsync'}` +
        (enforced ? '' : '; the CSP header was not applied (eval ran)'),
    };
  } finally {
    w.terminate();
  }
}

check().catch((e) => ({ ok: false, outcome: 'error', ms: 0, count: 0, policyEnforced: policyEnforced(), detail: String(e && e.message || e) }))
  .then((result) => parent.postMessage(result, location.origin));

// The app: the polyfill import a user writes, then one cross-thread exchange per round: the page
// waits with Atomics.waitAsync, a worker (public/partner.js) stores and notifies. Like any correct
// futex code it re-checks the value after a wake: the shim may settle a waiter "ok" when it sees
// the store before the notify, and that notify then wakes the next wait (README, "Early wakes").
// The page reports what it saw (outcomes, every worker it started, CSP violations, errors) to the
// test server; the suite (../run.mjs) judges it together with the server's request log.
import 'atomics-wait-async/polyfill';

const ROUNDS = 20;
const t = self.__awaTest;
const q = new URLSearchParams(location.search);

const within = (p, ms, what) => Promise.race([p, new Promise((resolve) => setTimeout(() => resolve(`no ${what} within ${ms} ms`), ms))]);

async function check() {
  const waitAsync = Atomics.waitAsync;
  const facts = {
    case: q.get('case'),
    userAgent: navigator.userAgent,
    crossOriginIsolated: self.crossOriginIsolated === true,
    hadWaitAsync: t.hadWaitAsync,
    deleted: t.deleted,
    shim: typeof waitAsync === 'function' && !/\[native code\]/.test(Function.prototype.toString.call(waitAsync)),
    wanted: ROUNDS,
    rounds: 0,
    outcomes: [],
    earlyWakes: 0,
    error: null,
    partner: null,
  };
  if (typeof SharedArrayBuffer !== 'function') {
    facts.error = 'no SharedArrayBuffer (is the page cross-origin isolated?)';
    return facts;
  }
  const i32 = new Int32Array(new SharedArrayBuffer(8));
  const partner = new Worker(`partner.js${q.get('del') === '1' ? '?del=1' : ''}`);
  const ready = new Promise((resolve) => {
    partner.onmessage = (e) => {
      if (e.data.ready) resolve(e.data);
      else if (e.data.error) facts.error = `partner: ${e.data.error}`;
    };
    partner.onerror = (e) => resolve(`partner worker failed: ${e.message || 'error event'}`);
  });
  partner.postMessage({ sab: i32.buffer, rounds: ROUNDS });
  const p = await within(ready, 30000, 'answer from the partner worker');
  if (typeof p === 'string') {
    facts.error = p;
    return facts;
  }
  facts.partner = p;
  const t0 = performance.now();
  rounds: for (let r = 1; r <= ROUNDS; r++) {
    let expected = r - 1;
    let go = true;
    for (;;) {
      let res;
      try {
        res = Atomics.waitAsync(i32, 0, expected, 30000);
      } catch (e) {
        facts.error = String(e && e.message || e);
        break rounds;
      }
      if (go) {
        Atomics.store(i32, 1, r); // the partner's go-ahead, after the wait is registered
        Atomics.notify(i32, 1);
        go = false;
      }
      const v = res.async ? await Promise.race([res.value, t.failure.then((m) => ({ error: m }))]) : res.value;
      if (v && v.error) {
        facts.error = v.error;
        break rounds;
      }
      if (v === 'timed-out') {
        facts.outcomes.push(v);
        break rounds;
      }
      expected = Atomics.load(i32, 0);
      if (expected >= r) {
        facts.outcomes.push(`${res.async ? 'async' : 'sync'} ${v}`);
        break;
      }
      facts.earlyWakes++; // woken before the partner's store of round r: wait again
    }
    facts.rounds = r;
  }
  facts.ms = Math.round(performance.now() - t0);
  partner.terminate();
  return facts;
}

async function report(facts) {
  Object.assign(facts, { workers: t.workers, violations: t.violations, errors: t.errors });
  const r = await fetch(`/__report/${q.get('session')}`, { method: 'POST', body: JSON.stringify(facts) });
  const { next } = await r.json();
  if (next) location.href = next;
}

check().catch((e) => ({ error: `the check threw: ${e && e.stack || e}` })).then(report);

// The demo's live checks, each run with one implementation `impl` = { name, waitAsync, notify }
// (the package's default, or its shim forced) and resolving { ok, figures, detail, samples? }.
// A check never throws: what went wrong is its detail. Deadlines are generous (a loaded machine is
// slow, not wrong): only a lost wakeup, a wrong count or an early timeout fails a check.
import { summarize } from '../../bench/lib/stats.mjs';

const WORKER = new URL('./worker.mjs', import.meta.url);
/** performance.now() is coarsened (5 µs in Chromium, 20 µs in Firefox when isolated). */
const CLOCK_SLACK_MS = 0.1;

/** A demo worker with next(ms, what): its next message, in order. */
export function startWorker() {
  const w = new Worker(WORKER, { type: 'module' });
  const messages = [];
  let wake = () => {};
  w.onmessage = (e) => { messages.push(e.data); wake(); };
  w.onerror = (e) => { e.preventDefault(); messages.push({ error: e.message || 'worker failed to start' }); wake(); };
  /** The worker's next message (an { error } one rejects), or a rejection after ms. */
  w.next = (ms, what) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    const take = () => {
      if (!messages.length) { wake = take; return; }
      clearTimeout(timer);
      const m = messages.shift();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    };
    take();
  });
  return w;
}

async function guarded(run) {
  try {
    return await run();
  } catch (e) {
    return { ok: false, figures: '', detail: String(e && e.message || e) };
  }
}

const us = (ms) => `${Math.round(ms * 1000)} µs`;

/**
 * (a) Ping-pong: each round the page queues a waitAsync on the answer word, then asks the worker
 * (request word: store + notify); the worker stores its answer and notifies. Queuing the wait
 * first means every round is a real wakeup by another thread, never an answer already there.
 * The round trip runs from the request to the settled promise. A "timed-out" is a lost wakeup; an
 * "ok" without the worker's answer, a spurious one.
 */
export function pingPong(impl, { rounds = 1000, lib }) {
  return guarded(async () => {
    if (impl.shimmed) await lib.ready(1);
    const view = new Int32Array(new SharedArrayBuffer(8)); // [0] answer, [1] request
    const w = startWorker();
    try {
      w.postMessage({ role: 'partner', sab: view.buffer, rounds });
      const samples = [];
      for (let r = 0; r < rounds; r++) {
        const res = impl.waitAsync(view, 0, r, 10000);
        if (!res.async) throw new Error(`round ${r}: waitAsync did not queue ("${res.value}", answer ${Atomics.load(view, 0)})`);
        const t0 = performance.now();
        Atomics.store(view, 1, r + 1);
        impl.notify(view, 1, 1);
        const outcome = await res.value;
        samples.push(performance.now() - t0);
        const seen = Atomics.load(view, 0);
        if (outcome === 'timed-out') throw new Error(`round ${r}: lost wakeup (timed out after 10 s, answer ${seen})`);
        if (seen !== r + 1) throw new Error(`round ${r}: spurious wakeup ("${outcome}", answer ${seen})`);
      }
      await w.next(10000, 'the partner finishing');
      const s = summarize(samples);
      return {
        ok: true,
        figures: `${rounds} round trips: p50 ${us(s.p50)}, p99 ${us(s.p99)}`,
        detail: `every round a waitAsync woken by the worker's notify; 0 lost or spurious wakeups; max ${us(s.max)}`,
        p50: s.p50, p99: s.p99, samples,
      };
    } finally {
      w.terminate();
    }
  });
}

/**
 * (b) Barrier: 4 workers and the page wait on one address; one notify (the page's, after its
 * store) must wake all 5 and return 5.
 */
export function barrier(impl, { lib, workers = 4 }) {
  return guarded(async () => {
    const view = new Int32Array(new SharedArrayBuffer(4));
    const ws = Array.from({ length: workers }, startWorker);
    try {
      for (const w of ws) w.postMessage({ role: 'barrier', sab: view.buffer, impl: impl.shimmed ? 'shim' : 'default' });
      // Each worker says when its wait is queued (it loads the package first: allow for that).
      for (const m of await Promise.all(ws.map((w) => w.next(30000, 'a worker queuing its wait')))) {
        if (!m.queued) throw new Error(`a worker's wait did not queue: ${m.value}`);
      }
      // Only now: a spare helper started earlier may have retired while the workers loaded.
      if (impl.shimmed) await lib.ready(1);
      const mine = impl.waitAsync(view, 0, 0, 10000);
      if (!mine.async) throw new Error(`the page's wait did not queue: ${mine.value}`);
      const t0 = performance.now();
      Atomics.store(view, 0, 1);
      const count = impl.notify(view, 0);
      const outcomes = await Promise.all([mine.value, ...ws.map((w) => w.next(15000, 'a worker waking').then((m) => m.outcome))]);
      const ms = performance.now() - t0;
      const woke = outcomes.filter((o) => o === 'ok').length;
      const all = workers + 1;
      return {
        ok: count === all && woke === all,
        figures: `notify returned ${count} (expected ${all}); ${woke} of ${all} woke "ok" in ${ms.toFixed(1)} ms`,
        detail: `outcomes: ${outcomes.join(', ')}`,
      };
    } finally {
      for (const w of ws) w.terminate();
    }
  });
}

/** (c) Timeout: a 50 ms waitAsync nobody notifies settles "timed-out", and not before 50 ms. */
export function timeout(impl, { lib, ms = 50 }) {
  return guarded(async () => {
    if (impl.shimmed) await lib.ready(1);
    const view = new Int32Array(new SharedArrayBuffer(4));
    const t0 = performance.now();
    const res = impl.waitAsync(view, 0, 0, ms);
    const outcome = res.async ? await res.value : `${res.value} (synchronously)`;
    const elapsed = performance.now() - t0;
    return {
      ok: outcome === 'timed-out' && elapsed >= ms - CLOCK_SLACK_MS,
      figures: `"${outcome}" after ${elapsed.toFixed(2)} ms (timeout ${ms} ms)`,
      detail: elapsed < ms - CLOCK_SLACK_MS ? 'settled early' : `${(elapsed - ms).toFixed(2)} ms after the deadline`,
    };
  });
}

/**
 * (d) A strict Content-Security-Policy (`default-src 'self'; worker-src 'self'`, the server's
 * csp-strict profile): an iframe under it waits with waitAsync while a worker notifies; it answers
 * by postMessage. Under that policy the shim must start its helper from the shipped file.
 */
export function strictCsp(impl) {
  return guarded(async () => {
    const frame = document.createElement('iframe');
    frame.title = `strict CSP check (${impl.name})`;
    frame.hidden = true;
    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the iframe did not answer within 30 s')), 30000);
      addEventListener('message', function onMessage(e) {
        if (e.source !== frame.contentWindow || e.origin !== location.origin) return;
        removeEventListener('message', onMessage);
        clearTimeout(timer);
        resolve(e.data);
      });
    });
    frame.src = new URL(`./csp.html?profile=csp-strict&impl=${impl.shimmed ? 'shim' : 'default'}`, import.meta.url).href;
    document.body.appendChild(frame);
    try {
      const a = await answer;
      return {
        ok: a.ok === true,
        figures: `"${a.outcome}" in ${Number(a.ms).toFixed(1)} ms; notify count ${a.count}; policy enforced: ${a.policyEnforced}`,
        detail: a.detail,
      };
    } finally {
      frame.remove();
    }
  });
}

// The model property in a browser (issue "Proven where it runs"): random schedules of the
// reference model (test/node/support/model.mjs, bundled with fast-check by model-bundle.mjs) run
// against the package's shim in this window, with a test worker (shim installed, native deleted)
// as the other agent that stores and notifies. Same rules as the Node test: the v2 contract with
// a small budget (exactWaiters = MODEL_K) so that schedules go beyond it.
// ?seed=<n>: first seed (batch b uses seed + b); ?ms=<n>: run batches of ?runs=<n> schedules
// until that much time has passed (at least one batch), or ?batches=<n> of them. A failing batch fails the test with its
// seed; the page goes on with the next batch, so one run reports every failing seed.
import { Agent, assert, log, loadBuild, note, params, run, test } from '/test/browser/harness.mjs';

// ?quiet=<ms>: how long the model leaves helpers that show BLOCKED to get into Atomics.wait before
// another agent's notify (Node: 5). In Firefox 140, 5 ms was too short for about 1 batch in 70
// (a notify then missed a helper not queued yet: README, "Across agents"); 50 ms: 0 in 82.
globalThis.AWA_MODEL_QUIET_MS = Number(params.quiet ?? 50); // read when the model loads
const { MODEL_K, fc, runSchedule, scheduleArb } = await import('/.cache/browser/model.bundle.mjs');
const lib = await loadBuild('esm');
const seed0 = Number(params.seed ?? 714310840) | 0;
const budgetMs = Number(params.ms ?? 30000);
const runs = Number(params.runs ?? 10);
const maxBatches = Number(params.batches ?? 0);
const more = (t0, batch) => (maxBatches ? batch < maxBatches : performance.now() - t0 < budgetMs);

test(`model: random schedules against the reference model (exactWaiters ${MODEL_K}, ${maxBatches ? `${maxBatches} batches` : `${budgetMs / 1000} s`})`, async () => {
  assert(!lib.hasNativeWaitAsync || params.del === '1', 'the model page runs the shim: native must be deleted (del=1)');
  const K = lib.stats().exactWaiters;
  lib.configure({ idleTimeout: 1000, exactWaiters: MODEL_K }); // as the Node test: 1 s helper slices
  const agent = await Agent.start('esm');
  const foreign = {
    notify: (buf, byte, count, store) => agent.call('notify', {
      sab: buf, kind: 'i32', index: byte >> 2, count: count === undefined ? null : count, store,
    }, 30000),
  };
  const t0 = performance.now();
  let schedules = 0; let waiters = 0; let beyond = 0; let batch = 0;
  const failures = [];
  try {
    do {
      const seed = (seed0 + batch++) | 0;
      let n = 0;
      let violation = null; // the model's own message (an engine's stack format may lack it)
      try {
        await fc.assert(fc.asyncProperty(scheduleArb, async (ops) => {
          const r = await runSchedule(ops, { lib, foreign }).catch((e) => { violation = e; throw e; });
          waiters += r.waiters; beyond += r.beyond; schedules++; n++;
        }), { seed, numRuns: runs, endOnFailure: true });
        log(`model: seed ${seed}: ${n} schedules ok`);
      } catch (e) {
        const text = String(violation ? violation.message : e.message).slice(0, 4000);
        failures.push({ seed, text });
        log(`model: seed ${seed} FAILED after ${n} schedules: ${text}`);
      }
    } while (more(t0, batch));
  } finally {
    lib.configure({ idleTimeout: 2000, exactWaiters: K });
  }
  const summary = `${schedules} schedules passed, ${waiters} waiters (${beyond} beyond the budget of ${MODEL_K}), ` +
    `${failures.length}/${batch} batches failed, ${((performance.now() - t0) / 1000).toFixed(0)} s; seeds ${seed0}..${(seed0 + batch - 1) | 0}`;
  note(`model: ${summary}`);
  log(`model: ${summary}`);
  assert(!failures.length, `${failures.length} failing seed(s) ${failures.map((f) => f.seed).join(' ')} ` +
    `(replay: npm run stress -- --engine <id> --seed <seed> --batches 1): first: ${failures[0]?.text}`);
  assert(waiters > 0, 'no waiter was generated');
}, { timeout: budgetMs + 240000 });

await run('model');

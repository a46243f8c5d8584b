// Long run of the model property (test/node/support/model.mjs): random schedules against the
// reference model until the time is up. Duration: first argument or STRESS_MS / STRESS_MINUTES
// (default 10 minutes). SEED=<n> fixes the first seed (each batch after uses seed + batch).
// Keeps going after a violation (each batch is 25 schedules from its own seed); prints one summary
// line with the failing seeds for replay and exits 1 if any batch failed.
import fc from 'fast-check';
import { MODEL_K, runSchedule, scheduleArb, seedFromEnv, startForeign } from './node/support/model.mjs';

const lib = await import('../dist/index.mjs');
const arg = process.argv[2];
const ms = arg ? Number(arg) * (/m$/.test(arg) ? 60000 : 1) || parseFloat(arg) * 60000
  : process.env.STRESS_MS ? Number(process.env.STRESS_MS)
    : Number(process.env.STRESS_MINUTES || 10) * 60000;
const seed0 = seedFromEnv();
lib.configure({ idleTimeout: 1000, exactWaiters: MODEL_K }); // as the CI model test: 1 s helper slices, a small budget
const foreign = startForeign();
await foreign.ready();
const end = Date.now() + ms;
let schedules = 0; let waiters = 0; let beyond = 0; let batch = 0; const failures = [];
console.log(`stress: ${(ms / 60000).toFixed(2)} min, first seed ${seed0}`);
while (Date.now() < end) {
  const seed = (seed0 + batch++) | 0;
  try {
    await fc.assert(fc.asyncProperty(scheduleArb, async (ops) => {
      const r = await runSchedule(ops, { lib, foreign });
      waiters += r.waiters;
      beyond += r.beyond;
      schedules++;
    }), { seed, numRuns: 25, endOnFailure: true });
  } catch (e) {
    failures.push(seed);
    const why = /Got error: (.*)/.exec(e.message);
    console.error(`stress: seed ${seed} failed: ${why ? why[1] : e.message.split('\n')[0]}`);
    const detail = /Got error: [\s\S]*?(?=\n\s+at )/.exec(e.message);
    console.error(detail ? detail[0] : e.message);
  }
}
await foreign.terminate();
lib.uninstall();
const line = `stress: ${failures.length ? 'FAILED' : 'ok'}: ${schedules} schedules passed, ${waiters} waiters (${beyond} beyond the budget of ${MODEL_K}), ${failures.length}/${batch} batches failed, ${((Date.now() - end + ms) / 1000).toFixed(0)} s; seeds ${seed0}..${(seed0 + batch - 1) | 0}${failures.length ? `; failing seeds ${failures.slice(0, 10).join(' ')} (replay: SEED=<seed> RUNS=25 npx mocha --no-config test/node/model.test.mjs)` : ''}`;
console.log(line);
process.exit(failures.length ? 1 : 0);

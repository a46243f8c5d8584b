// Randomised interleavings against a reference model (test/node/support/model.mjs): the main
// agent's shim waiters, same-agent notifies through aliasing views, stores, and a worker agent's
// store-then-notify and notify(1). Replay a failure with SEED=<seed> (printed below);
// RUNS=<n> changes the budget. `npm run stress` runs the same property for minutes.
import { expect } from 'chai';
import fc from 'fast-check';
import { runSchedule, scheduleArb, seedFromEnv, startForeign } from './support/model.mjs';

const lib = await import('../../dist/index.mjs');

describe('model: random schedules against the reference model', function () {
  this.timeout(180000);
  let foreign;
  before(async () => {
    lib.configure({ idleTimeout: 1000 }); // helpers block in 1 s slices: few re-block instants (README, helper slices)
    foreign = startForeign();
    await foreign.ready();
  });
  after(async () => {
    lib.configure({ idleTimeout: 2000 });
    await foreign?.terminate();
  });

  it('waiter lists, counts, timeouts and the documented cross-agent model', async () => {
    const seed = seedFromEnv();
    const numRuns = Number(process.env.RUNS || 30);
    console.log(`      model: seed ${seed}, ${numRuns} runs (replay: SEED=${seed})`);
    let waiters = 0;
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (ops) => {
        waiters += (await runSchedule(ops, { lib, foreign })).waiters;
      }),
      { seed, numRuns, endOnFailure: !process.env.SHRINK, verbose: 1 },
    );
    console.log(`      model: ${numRuns} schedules, ${waiters} waiters, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(waiters).to.be.greaterThan(0);
  });
});

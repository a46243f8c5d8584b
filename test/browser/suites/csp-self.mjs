// A page whose Content-Security-Policy is worker-src 'self': blob: workers are blocked, so the
// package must start its helper from the shipped file (dist/helper.js next to the ESM build,
// dist/atomics-wait-async.helper.js next to the <script> build).
import { Agent, assert, equal, loadBuild, mode, note, params, run, test, within } from '/test/browser/harness.mjs';

const build = params.build || 'esm';
const lib = await loadBuild(build);
const waitAsync = (...a) => (build === 'iife' ? Atomics.waitAsync : lib.waitAsync)(...a);
const notify = (...a) => (build === 'iife' ? Atomics.notify : lib.notify)(...a);

test('the page really has the policy: a blob: worker is blocked', async () => {
  const url = URL.createObjectURL(new Blob(['postMessage("started")'], { type: 'text/javascript' }));
  let w;
  try {
    w = new Worker(url);
  } catch (e) {
    note(`blob: worker blocked synchronously (${e.name})`);
    return;
  }
  const outcome = await within(new Promise((resolve) => {
    w.onerror = (e) => { e.preventDefault(); resolve('error'); };
    w.onmessage = () => resolve('started');
  }), 20000, 'the blob: worker failing');
  w.terminate();
  equal(outcome, 'error', 'blob: worker');
  note('blob: worker blocked asynchronously (error event; new Worker did not throw)');
});

test(`${build} build: waits are woken through the helper started from the shipped file`, async () => {
  equal(lib.hasNativeWaitAsync, mode === 'native', 'hasNativeWaitAsync');
  const sab = new SharedArrayBuffer(32);
  const view = new Int32Array(sab);
  const partner = await Agent.start(build);
  const rounds = 200;
  const done = partner.call('partner', { sab, index: 0, rounds, kind: 'i32', perRound: 30000 }, rounds * 30000);
  const stats = await self.AWATest.pingPongWaiter({ view, index: 0, rounds, kind: 'i32', timeout: 10000, waitAsync, notify });
  await done;
  equal(stats.rounds, rounds, 'rounds');
  if (!lib.hasNativeWaitAsync) {
    if (stats.async > 0) assert(lib.stats().helpers >= 1, 'a helper thread is running');
    note(`shim ping-pong under worker-src 'self': ${stats.async} async rounds`);
  }
}, { timeout: 120000 });

test('a waiter with a timeout settles "timed-out" under the policy', async () => {
  const i32 = new Int32Array(new SharedArrayBuffer(8));
  const r = waitAsync(i32, 1, 0, 30);
  equal(r.async, true, 'async');
  equal(await within(r.value, 20000, 'timeout'), 'timed-out', 'outcome');
});

await run(`csp-self/${build}`);

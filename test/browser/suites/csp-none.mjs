// A page whose Content-Security-Policy blocks every worker (worker-src 'none'). The shim cannot
// start a helper: waitAsync must fail with an Error naming worker-src. Browsers report the block
// asynchronously (new Worker returns, an error event follows), so the first call may already
// have returned a promise: then the Error must surface as an uncaught error (reportError) and
// every later call that needs a helper must throw it synchronously.
import {
  assert, boot, deepEqual, equal, expectUncaught, loadBuild, mode, note, params, run, test, throws, until, within,
} from '/test/browser/harness.mjs';

const build = params.build || 'esm';
const lib = await loadBuild(build);
const waitAsync = (...a) => (build === 'iife' ? Atomics.waitAsync : lib.waitAsync)(...a);
const notify = (...a) => (build === 'iife' ? Atomics.notify : lib.notify)(...a);
const mentionsCsp = (m) => /worker-src/.test(String(m));

test('loading the package under the policy does not throw; synchronous paths need no worker', () => {
  const i32 = new Int32Array(new SharedArrayBuffer(8));
  deepEqual(waitAsync(i32, 0, 1), { async: false, value: 'not-equal' }, 'not-equal');
  deepEqual(waitAsync(i32, 0, 0, 0), { async: false, value: 'timed-out' }, 'timeout 0');
  equal(notify(i32, 0), 0, 'notify without waiters');
});

if (mode === 'native') {
  test('the native waitAsync needs no worker', async () => {
    const i32 = new Int32Array(new SharedArrayBuffer(8));
    const r = waitAsync(i32, 0, 0, 60000);
    equal(r.async, true, 'async');
    equal(notify(i32, 0), 1, 'notify');
    equal(await within(r.value, 10000, 'settling'), 'ok', 'outcome');
  });
} else {
  test('waitAsync that needs a helper fails with an Error naming worker-src', async () => {
    expectUncaught(mentionsCsp);
    const i32 = new Int32Array(new SharedArrayBuffer(16));
    let first;
    try {
      first = waitAsync(i32, 0, 0, 60000);
    } catch (e) {
      assert(e instanceof Error, 'throws an Error');
      assert(mentionsCsp(e.message), `message names worker-src: ${e.message}`);
      note('the CSP block was reported synchronously by the first waitAsync');
      return;
    }
    equal(first.async, true, 'first call async');
    // Reported asynchronously: it must surface on its own, and later calls must throw.
    const t0 = performance.now();
    const msg = await until(() => boot.errors.find(mentionsCsp), 20000, 'an uncaught Error naming worker-src');
    note(`CSP block surfaced asynchronously after ${(performance.now() - t0).toFixed(0)} ms as: ${msg}`);
    throws(() => waitAsync(i32, 1, 0, 1000), (e) => {
      assert(e instanceof Error, 'later call throws an Error');
      assert(mentionsCsp(e.message), `later call's message names worker-src: ${e.message}`);
      assert(/Content-Security-Policy/.test(e.message), `message names the Content-Security-Policy: ${e.message}`);
    }, 'a later waitAsync needing a helper');
    // The first waiter is still this agent's: a same-agent notify settles it.
    equal(notify(i32, 0), 1, 'same-agent notify of the first waiter');
    equal(await within(first.value, 10000, 'first waiter settling'), 'ok', 'first waiter outcome');
    // Synchronous paths keep working after the failure.
    deepEqual(waitAsync(i32, 2, 5), { async: false, value: 'not-equal' }, 'not-equal after the failure');
  }, { timeout: 60000 });
}

await run(`csp-none/${build}`);

// Child process (run with --expose-gc) for test/node/limits.test.mjs: heap with N pending shim
// waiters on one address, and after one notify settled them all. Prints one JSON line.
const lib = require(process.argv[2]);
const N = Number(process.argv[3] || 100000);
const heap = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed; };
(async () => {
  const ta = new Int32Array(new SharedArrayBuffer(16));
  // warm up the engine (first helper, code paths) so the baseline includes it
  const w = lib.shim.waitAsync(ta, 1, 0).value; lib.shim.notify(ta, 1); await w;
  const base = heap();
  let ps = [];
  for (let i = 0; i < N; i++) ps.push(lib.shim.waitAsync(ta, 0, 0).value);
  const s = lib.stats();
  const peak = heap();
  const woken = lib.shim.notify(ta, 0);
  const results = await Promise.all(ps);
  const ok = results.every((r) => r === 'ok');
  ps = null;
  await new Promise((r) => setImmediate(r));
  const after = heap();
  console.log(JSON.stringify({ base, peak, after, woken, ok, pending: s.pending, helpers: s.helpers, armed: s.armed, exactWaiters: s.exactWaiters, pendingAfter: lib.stats().pending }));
  lib.uninstall();
})();

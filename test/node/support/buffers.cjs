// Child process for limits.test.mjs (run with --expose-gc): N short-lived SharedArrayBuffers, each
// waited on once by this thread and woken by another thread's notify; then the references are
// dropped and the helpers must let go of the buffers too. Prints one JSON line.
const { Worker } = require('worker_threads');
const lib = require(process.argv[2]);
const N = Number(process.argv[3] || 500);
const MB = 1 << 20;
lib.configure({ idleTimeout: 60000 }); // helpers stay alive: only forgetting can free their buffers

(async () => {
  const notifier = new Worker(`
    const { parentPort } = require('worker_threads');
    parentPort.on('message', (sab) => { const t = new Int32Array(sab); Atomics.store(t, 0, 1); parentPort.postMessage(Atomics.notify(t, 0)); });`,
  { eval: true });
  const notified = () => new Promise((resolve) => notifier.once('message', resolve));
  let woken = 0;
  let counted = 0;
  for (let i = 0; i < N; i++) {
    const ta = new Int32Array(new SharedArrayBuffer(MB)); // 1 MiB each, its pages touched: held, it shows in RSS
    new Uint8Array(ta.buffer).fill(1, 4);
    const r = lib.shim.waitAsync(ta, 0, 0, 60000); // the shim even where V8 has its own
    const n = notified();
    notifier.postMessage(ta.buffer);
    counted += await n;
    if ((await r.value) === 'ok') woken++;
  }
  const held = lib.stats().helperBuffers;
  const rssHeld = process.memoryUsage().rss;
  const deadline = Date.now() + 30000;
  while (lib.stats().helperBuffers > 2 && Date.now() < deadline) {
    global.gc();
    await new Promise((r) => setTimeout(r, 20)); // finalization callbacks run as tasks
  }
  const after = lib.stats().helperBuffers;
  for (let i = 0; i < 10; i++) { global.gc(); await new Promise((r) => setTimeout(r, 20)); }
  const rssAfter = process.memoryUsage().rss;
  await notifier.terminate();
  console.log(JSON.stringify({ N, woken, counted, held, after, helpers: lib.stats().helpers, rssHeld, rssAfter }));
  lib.uninstall();
})();

// Demo: the main thread awaits Atomics.waitAsync while a worker thread produces into shared memory.
// On an engine without Atomics.waitAsync (Node 14/15, Firefox ESR 140) the polyfill provides it;
// on Node 20 we force the shim (install({ force: true })) so the demo shows the polyfill at work.
//   npm run demo             (or: node demo/ping-pong.mjs [rounds])
import { Worker } from 'node:worker_threads';
import { install, hasNativeWaitAsync, stats } from 'atomics-wait-async';

const rounds = Number(process.argv[2] ?? 20000);
install({ force: true });
console.log(`engine: Node ${process.version}, native Atomics.waitAsync: ${hasNativeWaitAsync ? 'yes (replaced by the shim for this demo)' : 'no (shim)'}`);

// [0] = items produced (the worker's store-then-notify), [1] = items consumed (the main thread's).
const shared = new Int32Array(new SharedArrayBuffer(8));
const worker = new Worker(`
  const { workerData } = require('worker_threads');
  const s = new Int32Array(workerData.buffer);
  for (let i = 1; i <= workerData.rounds; i++) {
    // wait (synchronously, as workers may) until the main thread consumed the previous item
    while (Atomics.load(s, 1) !== i - 1) Atomics.wait(s, 1, Atomics.load(s, 1));
    Atomics.store(s, 0, i);
    Atomics.notify(s, 0, 1);
  }
`, { eval: true, workerData: { buffer: shared.buffer, rounds } });

const start = performance.now();
let asyncWaits = 0;
for (let i = 1; i <= rounds; i++) {
  // The main thread never blocks: it awaits a promise that a helper thread settles. A wakeup
  // only says "look again", so the value is re-checked (as with any futex).
  let seen;
  while ((seen = Atomics.load(shared, 0)) < i) {
    const r = Atomics.waitAsync(shared, 0, seen, 10000);
    if (!r.async) continue;
    asyncWaits++;
    const outcome = await r.value;
    if (outcome !== 'ok') throw new Error(`round ${i}: ${outcome} (a lost wakeup)`);
  }
  Atomics.store(shared, 1, i);
  Atomics.notify(shared, 1, 1);
}
const ms = performance.now() - start;
console.log(`${rounds} items handed over in ${ms.toFixed(0)} ms: ${(ms * 1000 / rounds).toFixed(1)} µs per round trip, ` +
  `${asyncWaits} async waits, 0 lost wakeups`);
const s = stats();
console.log(`helper threads alive: ${s.helpers}, pending waiters: ${s.pending}`);
await worker.terminate();

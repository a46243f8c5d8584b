// Node: the helper → agent hop four ways (variants.cjs), p50 / p90 of notify → message, in µs.
// `node bench/hop/hop.mjs [--rounds=N] [--runs=N]`; variants alternate within each run.
import { Worker, MessageChannel } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { median } from '../lib/stats.mjs';
import { saveHop } from './save.mjs';

const require = createRequire(import.meta.url);
const { HOP_VARIANTS } = require('./variants.cjs');
const arg = (n, d) => Number((process.argv.find((a) => a.startsWith(`--${n}=`)) || `=${d}`).split('=')[1]);
const ROUNDS = arg('rounds', 2000);
const RUNS = arg('runs', 3);
const WORKER = `
  const { parentPort, workerData } = require('worker_threads');
  const { hopWorkerLoop } = require(workerData.variants);
  parentPort.once('message', ({ port }) => {
    hopWorkerLoop(new Int32Array(workerData.sab), workerData.variant, parentPort, port);
  });`;

async function one(variant) {
  const sab = new SharedArrayBuffer(8);
  const i32 = new Int32Array(sab);
  const w = new Worker(WORKER, { eval: true, workerData: { sab, variant, variants: require.resolve('./variants.cjs') } });
  const ch = new MessageChannel();
  w.postMessage({ port: ch.port2 }, [ch.port2]);
  const from = variant.startsWith('port') ? ch.port1 : w;
  const times = [];
  let t0 = 0;
  let round = 0;
  await new Promise((resolve) => {
    const next = () => {
      if (++round > ROUNDS) return resolve();
      t0 = performance.now();
      Atomics.store(i32, 0, round);
      Atomics.notify(i32, 0);
    };
    from.on('message', () => {
      times.push((performance.now() - t0) * 1000);
      setImmediate(next); // the worker re-blocks meanwhile, as a helper between waiters would
    });
    setTimeout(next, 50);
  });
  Atomics.store(i32, 1, 1);
  Atomics.store(i32, 0, -1);
  Atomics.notify(i32, 0);
  ch.port1.close();
  await w.terminate();
  return times.slice(100);
}

const all = Object.fromEntries(HOP_VARIANTS.map((v) => [v, []]));
for (let r = 0; r < RUNS; r++) for (const v of HOP_VARIANTS) all[v].push(median(await one(v)));
console.log(`Node ${process.version}: notify → message (µs, median of ${RUNS} runs' p50, ${ROUNDS} rounds each)`);
for (const v of HOP_VARIANTS) console.log(`  ${v.padEnd(12)} ${median(all[v]).toFixed(1).padStart(7)}   runs ${all[v].map((x) => x.toFixed(1)).join(' ')}`);
saveHop('node', { label: `Node ${process.version}`, rounds: ROUNDS, runs: RUNS, p50: all });

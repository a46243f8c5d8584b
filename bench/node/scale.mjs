// One scale measurement in a fresh process (started by run.mjs with --expose-gc), printed as one
// "@@RESULT {json}" line. argv[2] is JSON:
//   { kind: 'one', mode, n }                        n waiters on one address
//   { kind: 'addresses', mode, addresses, perAddress } perAddress waiters on each of `addresses` addresses
// Steps: start the notifier worker (so its start-up is not measured), baseline memory, create the
// waiters, wait until armed (shim: stats().blocked equals the address count), memory again, then the
// notifier stores 1 at every address and notifies each (store-then-notify, count +∞); time from
// its first notify until the last promise settled.
import { Worker } from 'node:worker_threads';
import { configure, shim, stats } from '../../dist/index.mjs';
import { PING, TS_PONG } from './agent.mjs';

const args = JSON.parse(process.argv[2]);
const { mode } = args;
const addresses = args.kind === 'one' ? 1 : args.addresses;
const perAddress = args.kind === 'one' ? args.n : args.perAddress;
const total = addresses * perAddress;
const STRIDE = 16; // Int32 elements between addresses (64 bytes: one cache line each)
const waitAsync = mode === 'shim' ? shim.waitAsync : Atomics.waitAsync;
const gc = globalThis.gc || (() => {});
const hr = () => process.hrtime.bigint();

function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers };
}

async function main() {
  // The package's default maxHelpers is 512: more distinct addresses than that need it raised.
  const maxHelpers = addresses > 512 ? addresses + 16 : undefined;
  if (maxHelpers) configure({ maxHelpers });
  const data = new SharedArrayBuffer(addresses * STRIDE * 4);
  const view = new Int32Array(data);
  const ctlSab = new SharedArrayBuffer(64);
  const ctl = new Int32Array(ctlSab);
  const ts = new BigInt64Array(ctlSab);
  const indexes = Array.from({ length: addresses }, (_, i) => i * STRIDE);
  const notifier = new Worker(new URL('./agent.mjs', import.meta.url), {
    workerData: { role: 'notifier', mode, sab: ctlSab, data, indexes },
  });
  const messages = [];
  let onMessage = () => {};
  notifier.on('message', (m) => { messages.push(m); onMessage(); });
  const nextMessage = () => new Promise((resolve) => {
    const check = () => {
      if (messages.length) { onMessage = () => {}; resolve(messages.shift()); }
    };
    onMessage = check;
    check();
  });
  await nextMessage(); // ready
  const hold = setInterval(() => {}, 1000); // pending waits alone do not keep Node alive

  const m0 = memory();
  let settled = 0;
  let notOk = 0;
  let tLast = 0n;
  let allSettled;
  const all = new Promise((r) => { allSettled = r; });
  const onSettle = (v) => {
    if (v !== 'ok') notOk++;
    if (++settled === total) {
      tLast = hr();
      allSettled();
    }
  };
  let helpersMax = 0;
  const t0 = hr();
  for (let a = 0; a < addresses; a++) {
    const i = indexes[a];
    for (let k = 0; k < perAddress; k++) {
      const r = waitAsync(view, i, 0);
      if (!r.async) throw new Error(`waitAsync returned ${r.value}`);
      r.value.then(onSettle);
    }
  }
  const t1 = hr();
  if (mode === 'shim') helpersMax = stats().helpers;
  // Armed: every address has a helper blocked on it (the shim); the native waiters are armed as
  // soon as waitAsync returns.
  let polls = 0;
  if (mode === 'shim') {
    for (;;) {
      const s = stats();
      if (s.helpers > helpersMax) helpersMax = s.helpers;
      if (s.blocked >= addresses) break;
      polls++;
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const t2 = hr();
  const m1 = memory();
  const armed = stats();

  Atomics.store(ctl, PING, 1);
  Atomics.notify(ctl, PING);
  await all;
  const done = await nextMessage();
  const after = stats();
  if (after.helpers > helpersMax) helpersMax = after.helpers;
  clearInterval(hold);

  const ms = (a, b) => Number(b - a) / 1e6;
  const result = {
    mode, addresses, perAddress, waiters: total,
    createMs: ms(t0, t1),
    createUsPerWaiter: ms(t0, t1) * 1000 / total,
    armMs: ms(t0, t2),
    settleMs: ms(ts[TS_PONG], tLast),
    helpersMax,
    helpersArmed: armed.helpers,
    notifyReturned: done.woken,
    notOk,
    maxHelpers,
    polls,
    mem: {
      heapPerWaiter: (m1.heapUsed - m0.heapUsed) / total,
      rssPerWaiter: (m1.rss - m0.rss) / total,
      externalPerWaiter: (m1.external - m0.external) / total,
      rssDeltaMB: (m1.rss - m0.rss) / 2 ** 20,
      heapDeltaMB: (m1.heapUsed - m0.heapUsed) / 2 ** 20,
    },
  };
  process.stdout.write('@@RESULT ' + JSON.stringify(result) + '\n', () => process.exit(0));
}

main().catch((e) => {
  process.stdout.write('@@RESULT ' + JSON.stringify({ error: String(e && e.stack || e) }) + '\n', () => process.exit(1));
});

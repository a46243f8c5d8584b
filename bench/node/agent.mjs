// The other agent of the Node cross-agent benches: a worker_threads worker playing one role, given
// in workerData. `mode` picks the functions a program would call in that agent:
//   native: Atomics.waitAsync / Atomics.notify (Node 20's own)
//   shim:   shim.waitAsync / shim.notify of this package (whatever the engine has)
//
// Shared Int32 slots (ctl): PING = main → worker sequence, PONG = worker → main sequence, STOP.
// Shared BigInt64 slot (ts): process.hrtime of the last notify, on the clock every thread shares.
import { parentPort, workerData } from 'node:worker_threads';
import { shim } from '../../dist/index.mjs';

export const PING = 0;
export const PONG = 1;
export const STOP = 2;
export const TS_PING = 2; // BigInt64 slots (bytes 16..23, 24..31) after the three Int32 words
export const TS_PONG = 3;

if (parentPort && workerData && workerData.role) {
  const { role, mode } = workerData;
  const waitAsync = mode === 'shim' ? shim.waitAsync : Atomics.waitAsync;
  const notify = mode === 'shim' ? shim.notify : Atomics.notify;
  const ctl = workerData.sab && new Int32Array(workerData.sab);
  const ts = workerData.sab && new BigInt64Array(workerData.sab);

  if (role === 'pong') {
    // Forward ping-pong: blocks (sync) on PING, answers by storing PONG and notifying it.
    let seen = 0;
    parentPort.postMessage({ ready: true });
    for (;;) {
      Atomics.wait(ctl, PING, seen);
      seen = Atomics.load(ctl, PING);
      if (Atomics.load(ctl, STOP)) break;
      ts[TS_PONG] = process.hrtime.bigint();
      Atomics.store(ctl, PONG, seen);
      notify(ctl, PONG);
    }
    parentPort.postMessage({ done: true });
  } else if (role === 'async') {
    // Reverse ping-pong: async-waits on PING (the mode's waitAsync), answers on PONG. The next wait
    // is armed before the answer, as a real loop would; one-way latencies are sent back at the end.
    // A wake with PING unchanged is spurious: counted, and waited again without answering (as
    // condition-variable code re-checks its condition).
    const oneWay = [];
    let spurious = 0;
    let seen = 0;
    // Neither a native nor a shimmed pending waitAsync keeps a thread alive: a listener does.
    parentPort.on('message', () => {});
    let r = waitAsync(ctl, PING, seen);
    parentPort.postMessage({ ready: true });
    const loop = async () => {
      for (;;) {
        if (r.async) await r.value;
        const t = process.hrtime.bigint();
        const now = Atomics.load(ctl, PING);
        if (Atomics.load(ctl, STOP)) break;
        if (now === seen) {
          spurious++;
          r = waitAsync(ctl, PING, seen);
          continue;
        }
        seen = now;
        oneWay.push(Number(t - ts[TS_PING]) / 1000);
        r = waitAsync(ctl, PING, seen);
        Atomics.store(ctl, PONG, seen);
        notify(ctl, PONG);
      }
      parentPort.postMessage({ done: true, oneWay, spurious });
      parentPort.close();
    };
    loop();
  } else if (role === 'helper-floor') {
    // A hand-rolled helper: blocks (sync) on PONG and tells the main thread by postMessage. The
    // least any worker-based shim must pay for a cross-agent wake of the main thread.
    let seen = 0;
    parentPort.postMessage({ ready: true });
    for (;;) {
      const r = Atomics.wait(ctl, PONG, seen);
      if (Atomics.load(ctl, STOP)) break;
      if (r === 'timed-out') continue;
      seen = Atomics.load(ctl, PONG);
      parentPort.postMessage(seen);
    }
    parentPort.postMessage({ done: true });
  } else if (role === 'echo') {
    // postMessage round-trip floor.
    parentPort.on('message', (m) => {
      if (m === 'stop') parentPort.close();
      else parentPort.postMessage(m);
    });
    parentPort.postMessage({ ready: true });
  } else if (role === 'mutex') {
    // Async-mutex contention: the worker that contends with the main thread's async tasks for the
    // lock word LOCK[0] (0 free, 1 held), with sync Atomics.wait. From GO (PING) until STOP: take
    // it (CAS 0 → 1; on failure wait on 1), hold it a moment, release (store 0 + notify(…, 1)),
    // sleep gapMs. A wakeup that then fails to take the lock is wasted; a wait that times out
    // (lostMs) is counted apart (a lost wakeup, or a very long wait).
    const { lostMs, gapMs, holdUs } = workerData;
    const lock = new Int32Array(workerData.lock);
    const nap = new Int32Array(new SharedArrayBuffer(4));
    parentPort.postMessage({ ready: true });
    Atomics.wait(ctl, PING, 0);
    let acquisitions = 0;
    let wakeups = 0;
    let wasted = 0;
    let timeouts = 0;
    outer: while (!Atomics.load(ctl, STOP)) {
      let woke = false;
      while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) {
        if (Atomics.load(ctl, STOP)) break outer;
        if (woke) wasted++;
        const r = Atomics.wait(lock, 0, 1, lostMs);
        woke = r === 'ok';
        if (woke) wakeups++;
        else if (r === 'timed-out') timeouts++;
      }
      acquisitions++;
      const until = process.hrtime.bigint() + BigInt(Math.round(holdUs * 1000));
      while (process.hrtime.bigint() < until) { /* holding the lock */ }
      Atomics.store(lock, 0, 0);
      notify(lock, 0, 1);
      if (gapMs) Atomics.wait(nap, 0, 0, gapMs);
    }
    parentPort.postMessage({ done: true, acquisitions, wakeups, wasted, timeouts });
  } else if (role === 'spin') {
    // Calls bench, busy: a thread that spins in a busy loop until STOP.
    parentPort.postMessage({ ready: true });
    while (!Atomics.load(ctl, STOP)) { /* busy */ }
  } else if (role === 'notifier') {
    // Scale benches: on GO, stores 1 at every listed index then notifies each (store-then-notify),
    // recording the hrtime just before the first notify in ts[TS_PONG].
    const { data, indexes } = workerData;
    const view = new Int32Array(data);
    parentPort.postMessage({ ready: true });
    Atomics.wait(ctl, PING, 0);
    for (const i of indexes) Atomics.store(view, i, 1);
    ts[TS_PONG] = process.hrtime.bigint();
    let woken = 0;
    for (const i of indexes) woken += notify(view, i);
    parentPort.postMessage({ done: true, woken });
  }
}

// The app the preload serves: its main thread and one worker each wait with Atomics.waitAsync and
// are woken by the other (store, then notify). While both waits are pending, the main thread counts
// the process's OS threads. AWA_WORKER_EXECARGV=1: no preload of its own; the main thread requires
// it and hands it to the worker through execArgv. Prints one JSON line; exits by itself: a pending
// waitAsync holds no thread open (nor does native V8's), so each thread holds itself with a timer.
const fs = require('fs');
const path = require('path');
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const osThreads = () => fs.readdirSync('/proc/self/task').length;

if (isMainThread) {
  const preload = path.join(__dirname, 'preload.cjs');
  const viaExecArgv = process.env.AWA_WORKER_EXECARGV === '1';
  if (viaExecArgv) require(preload);
  const ta = new Int32Array(new SharedArrayBuffer(8));
  const mine = Atomics.waitAsync(ta, 0, 0, 30000);
  const worker = new Worker(__filename, { workerData: ta.buffer, ...(viaExecArgv ? { execArgv: ['--require', preload] } : {}) });
  const out = { baseline: globalThis.awaBaseline, polyfilled: typeof Atomics.waitAsync === 'function' };
  worker.on('message', (m) => {
    if (m.type === 'waiting') {
      out.whileWaiting = osThreads();
      Atomics.store(ta, 1, 1);
      Atomics.notify(ta, 1);
    } else Object.assign(out, m);
  });
  worker.on('error', (e) => { out.workerError = String(e); });
  const hold = setTimeout(() => {}, 60000);
  let left = 2;
  const done = () => {
    if (--left > 0) return;
    clearTimeout(hold);
    console.log(JSON.stringify(out));
  };
  worker.on('exit', done);
  mine.value.then((v) => {
    out.main = v;
    out.mainAsync = mine.async;
    done();
  });
} else {
  const ta = new Int32Array(workerData);
  const mine = Atomics.waitAsync(ta, 1, 0, 30000);
  const hold = setTimeout(() => {}, 60000); // as in the main thread
  parentPort.postMessage({ type: 'waiting' });
  mine.value.then((v) => {
    clearTimeout(hold);
    parentPort.postMessage({ worker: v, workerAsync: mine.async });
    Atomics.store(ta, 0, 1);
    Atomics.notify(ta, 0);
    parentPort.close();
  });
}

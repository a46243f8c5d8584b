// Node host: helpers are worker_threads workers evaluated from the bundled helper source (its
// worker_threads build, src/helper/host-node.ts), so no file has to be resolved at run time (works
// from ESM, CJS and bundlers alike). unref()'d: a pending waitAsync does not keep the process
// alive, exactly as V8's native one.
// A helper gets nothing of the app: no execArgv and no NODE_OPTIONS (workers inherit both, so an
// app's `--require` preload would run in every helper and start helpers of its own, without end).
import { Worker, isMainThread, workerData } from 'worker_threads';
import HELPER_SOURCE from 'virtual:helper-source';
import { HELPER_MARK } from '../engine/protocol';
import type { Platform } from './types';

let holder: ReturnType<typeof setInterval> | undefined;
// Captured at load: user code replacing the timer globals later cannot break deadlines.
const { setTimeout: setT, clearTimeout: clearT, setInterval: setI, clearInterval: clearI } = globalThis;

export const platform: Platform = {
  name: 'node',
  isHelper: !isMainThread && workerData === HELPER_MARK,
  startsWhileBlocked: true,
  spawn(events) {
    let worker: Worker;
    try {
      // The rest of the environment stays: NODE_V8_COVERAGE, for one, reaches helpers through it.
      const env: Record<string, string | undefined> = { ...process.env };
      delete env.NODE_OPTIONS;
      worker = new Worker(HELPER_SOURCE, { eval: true, execArgv: [], env, workerData: HELPER_MARK });
    } catch (e) {
      throw new Error(`atomics-wait-async: a helper thread could not start (worker_threads: ${
        e instanceof Error ? e.message : String(e)}); waits that another thread must wake need one.`);
    }
    worker.on('message', events.message);
    worker.on('error', events.failed);
    worker.on('exit', (code) => events.failed(new Error(`atomics-wait-async: helper exited (${code})`)));
    // After the listeners: adding a 'message' listener re-refs the worker's port (Node 14-20).
    worker.unref();
    return {
      post: (m) => worker.postMessage(m),
      terminate: () => {
        worker.removeAllListeners('exit');
        void worker.terminate();
      },
    };
  },
  setTimer(fn, ms) {
    const t = setT(fn, ms);
    t.unref();
    return t;
  },
  clearTimer(handle) {
    clearT(handle as ReturnType<typeof setTimeout>);
  },
  keepAlive(on) {
    if (on && !holder) holder = setI(() => {}, 1 << 30);
    else if (!on && holder) {
      clearI(holder);
      holder = undefined;
    }
  },
};

// waitFor: a promise-only, cancellable wait — beyond the spec. Native waitAsync waiters cannot be
// withdrawn, and a forgotten one swallows a later notify; these always go through our engine, so
// aborting truly removes the waiter, on engines with a native waitAsync too.
import { PromiseCtor, TypeErrorCtor } from './intrinsics';
import { DoWaitPrologue } from './spec';
import type { Engine } from './engine/engine';

export interface WaitForOptions {
  /** Milliseconds (as Atomics.waitAsync's timeout); default: forever. */
  timeout?: number;
  /** Aborting rejects the promise with `signal.reason` and removes the waiter. */
  signal?: AbortSignal;
}

export type WaitForOutcome = 'ok' | 'not-equal' | 'timed-out';

interface SignalLike {
  aborted: boolean;
  reason?: unknown;
  addEventListener(type: 'abort', f: () => void, o?: { once?: boolean }): void;
  removeEventListener(type: 'abort', f: () => void): void;
}

function optionError(option: string, fix: string): TypeError {
  return new TypeErrorCtor(`atomics-wait-async: waitFor(…, { ${option} }): ${fix}`);
}

function abortReason(signal: SignalLike): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

export function createWaitFor(engine: () => Engine) {
  return function waitFor(
    typedArray: Int32Array | BigInt64Array, index: number, value: number | bigint, options: WaitForOptions = {},
  ): Promise<WaitForOutcome> {
    try {
      if (options === null || typeof options !== 'object') throw optionError('…', 'options must be an object like { timeout, signal }');
      const { timeout, signal } = options as { timeout?: unknown; signal?: SignalLike };
      if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.addEventListener !== 'function')) {
        throw optionError('signal', 'expected an AbortSignal (from an AbortController)');
      }
      if (signal && signal.aborted) return PromiseCtor.reject(abortReason(signal));
      const plan = DoWaitPrologue(typedArray, index, value, timeout);
      if (plan.sync) return PromiseCtor.resolve(plan.sync);
      const wait = engine().enqueueCancellable(plan.buffer, plan.byteIndex, plan.index, plan.big, plan.v, plan.t, !!signal);
      if (wait === 'not-equal') return PromiseCtor.resolve(wait);
      if (!signal) return wait.promise;
      const onAbort = () => { wait.cancel(abortReason(signal)); };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => signal.removeEventListener('abort', onAbort);
      wait.promise.then(done, done);
      return wait.promise;
    } catch (e) {
      return PromiseCtor.reject(e);
    }
  };
}

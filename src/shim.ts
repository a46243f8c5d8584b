// Atomics.waitAsync (25.4.14) and Atomics.notify (25.4.15) for engines that lack waitAsync.
// Validation and coercions run in the spec's order; waiting is the engine's job.
import { MathMax } from './intrinsics';
import { DoWaitPrologue, ToIntegerOrInfinity, ValidateAtomicAccess, ValidateIntegerTypedArray, elementSize } from './spec';
import type { Engine, Outcome } from './engine/engine';

export interface WaitAsyncResult {
  async: boolean;
  value: 'not-equal' | 'timed-out' | Promise<Outcome>;
}

export interface Shim {
  waitAsync(typedArray: unknown, index: unknown, value: unknown, timeout?: unknown): WaitAsyncResult;
  notify(typedArray: unknown, index: unknown, count?: unknown): number;
}


export function createShim(engine: () => Engine): Shim {
  // Method shorthand: the functions get the right `name` and `length` and are not constructors.
  return {
    waitAsync(typedArray: unknown, index: unknown, value: unknown, timeout: unknown): WaitAsyncResult {
      const plan = DoWaitPrologue(typedArray, index, value, timeout);
      if (plan.sync) return { async: false, value: plan.sync };
      const p = engine().enqueue(plan.buffer, plan.byteIndex, plan.index, plan.big, plan.v, plan.t);
      // 'not-equal': the memory changed before the helper blocked, within this call.
      return p === 'not-equal' ? { async: false, value: p } : { async: true, value: p };
    },

    // 25.4.15 Atomics.notify(typedArray, index, count)
    notify(typedArray: unknown, index: unknown, count: unknown): number {
      const taRecord = ValidateIntegerTypedArray(typedArray);
      const i = ValidateAtomicAccess(taRecord, index);
      const c = count === undefined ? Infinity : MathMax(ToIntegerOrInfinity(count), 0);
      if (!taRecord.shared) return 0;
      const byteIndex = i * elementSize(taRecord.name) + taRecord.byteOffset;
      return engine().notify(typedArray, i, taRecord.buffer as SharedArrayBuffer, byteIndex, c);
    },
  };
}

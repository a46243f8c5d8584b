// Atomics.waitAsync (25.4.14) and Atomics.notify (25.4.15) for engines that lack waitAsync.
// Validation and coercions run in the spec's order; waiting is the engine's job.
import { Atom, MathMax, TypeErrorCtor, call, nativeLoad } from './intrinsics';
import {
  ToBigInt64, ToInt32, ToIntegerOrInfinity, ToNumber, TimeoutFromNumber, ValidateAtomicAccess,
  ValidateIntegerTypedArray, elementSize,
} from './spec';
import { KIND_I32, KIND_I64 } from './protocol';
import type { Engine, Outcome } from './engine';

export interface WaitAsyncResult {
  async: boolean;
  value: 'not-equal' | 'timed-out' | Promise<Outcome>;
}

export interface Shim {
  waitAsync(typedArray: unknown, index: unknown, value: unknown, timeout?: unknown): WaitAsyncResult;
  notify(typedArray: unknown, index: unknown, count?: unknown): number;
}


/** What DoWait settles without waiting, or the coerced arguments of a wait that must block. */
export type WaitPlan =
  | { sync: 'not-equal' | 'timed-out' }
  | { sync: undefined; buffer: SharedArrayBuffer; byteIndex: number; kind: number; v: number | bigint; t: number };

// 25.4.3.14 DoWait(async, typedArray, index, value, timeout), steps 1-9 and the comparison: every
// check and coercion in the spec's order, shared by waitAsync and waitFor.
export function DoWaitPrologue(typedArray: unknown, index: unknown, value: unknown, timeout: unknown): WaitPlan {
  const taRecord = ValidateIntegerTypedArray(typedArray);
  if (!taRecord.shared) throw new TypeErrorCtor('Atomics.waitAsync needs a SharedArrayBuffer');
  const i = ValidateAtomicAccess(taRecord, index);
  const big = taRecord.name === 'BigInt64Array';
  const v = big ? ToBigInt64(value) : ToInt32(value);
  const q = ToNumber(timeout);
  const t = TimeoutFromNumber(q);
  const byteIndex = i * elementSize(taRecord.name) + taRecord.byteOffset;
  const w = call<number | bigint>(nativeLoad, Atom, typedArray, i);
  if (v !== w) return { sync: 'not-equal' };
  if (t === 0) return { sync: 'timed-out' };
  return { sync: undefined, buffer: taRecord.buffer as SharedArrayBuffer, byteIndex, kind: big ? KIND_I64 : KIND_I32, v, t };
}

export function createShim(engine: () => Engine): Shim {
  // Method shorthand: the functions get the right `name` and `length` and are not constructors.
  return {
    waitAsync(typedArray: unknown, index: unknown, value: unknown, timeout: unknown): WaitAsyncResult {
      const plan = DoWaitPrologue(typedArray, index, value, timeout);
      if (plan.sync) return { async: false, value: plan.sync };
      return { async: true, value: engine().enqueue(plan.buffer, plan.byteIndex, plan.kind, plan.v, plan.t) };
    },

    // 25.4.15 Atomics.notify(typedArray, index, count)
    notify(typedArray: unknown, index: unknown, count: unknown): number {
      const taRecord = ValidateIntegerTypedArray(typedArray);
      const i = ValidateAtomicAccess(taRecord, index);
      const c = count === undefined ? Infinity : MathMax(ToIntegerOrInfinity(count), 0);
      if (!taRecord.shared) return 0;
      const byteIndex = i * elementSize(taRecord.name) + taRecord.byteOffset;
      const e = engine();
      const { n, stale } = e.wakeLocal(taRecord.buffer as SharedArrayBuffer, byteIndex, c);
      if (n >= c) return n;
      return n + e.notifyOthers(typedArray, i, c - n, stale);
    },
  };
}

// ECMA-262 abstract operations used by Atomics.waitAsync / Atomics.notify, transcribed step by
// step so that errors and user-visible coercions happen in the spec's order.
import {
  Atom, BigIntAsIntN, MathMax, MathTrunc, NumberIsNaN, RangeErrorCtor, SafeWeakMap, TypeErrorCtor, call, nativeLoad,
  sabByteLength, typedArrayBuffer, typedArrayByteOffset, typedArrayIncludes, typedArrayLength,
  typedArrayName,
} from './intrinsics';

export type WaitableName = 'Int32Array' | 'BigInt64Array';
export type WaitableArray = Int32Array | BigInt64Array;

/** The TypedArray With Buffer Witness Record (§10.4.5.9), reduced to what Atomics needs. */
export interface TaRecord {
  readonly object: WaitableArray;
  readonly name: WaitableName;
  readonly buffer: ArrayBufferLike;
  readonly shared: boolean;
  readonly length: number;
  readonly byteOffset: number;
}

// 25.2.2.2 IsSharedArrayBuffer — a brand check through a getter captured at load. Brands never
// change, so answers are cached: the getter throws for every other object, and a throw per call
// made the non-shared TypeError path cost twice native's.
const brands = new SafeWeakMap<object, boolean>();
export function IsSharedArrayBuffer(obj: unknown): obj is SharedArrayBuffer {
  if (!sabByteLength || obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) {
    return false;
  }
  let shared = brands.get(obj as object);
  if (shared === undefined) {
    try {
      call(sabByteLength, obj);
      shared = true;
    } catch {
      shared = false;
    }
    brands.set(obj as object, shared);
  }
  return shared;
}

// 7.1.4 ToNumber — unary plus is exactly ToNumber (BigInt and Symbol throw TypeError).
export function ToNumber(argument: unknown): number {
  return +(argument as number);
}

// 7.1.5 ToIntegerOrInfinity
export function ToIntegerOrInfinity(argument: unknown): number {
  const number = ToNumber(argument);
  if (NumberIsNaN(number) || number === 0) return 0;
  return MathTrunc(number) + 0; // + 0 turns -0 into +0
}

// 7.1.6 ToInt32
export function ToInt32(argument: unknown): number {
  return ToNumber(argument) | 0;
}

// 7.1.15 ToBigInt64 — BigInt.asIntN performs ToBigInt (7.1.13) on its second argument.
export function ToBigInt64(argument: unknown): bigint {
  return BigIntAsIntN!(64, argument as bigint);
}

// 7.1.22 ToIndex
export function ToIndex(value: unknown): number {
  const integer = ToIntegerOrInfinity(value);
  if (integer < 0 || integer > 9007199254740991) {
    throw new RangeErrorCtor('Invalid atomic access index');
  }
  return integer;
}

// 25.4.3.1 ValidateIntegerTypedArray (typedArray, waitable = true), with 23.2.4.4 ValidateTypedArray.
export function ValidateIntegerTypedArray(typedArray: unknown): TaRecord {
  const name = call<string | undefined>(typedArrayName, typedArray);
  if (name === undefined) {
    throw new TypeErrorCtor('Argument is not a typed array');
  }
  const buffer = call<ArrayBufferLike>(typedArrayBuffer, typedArray);
  const shared = IsSharedArrayBuffer(buffer);
  // A SharedArrayBuffer never detaches or shrinks, so only other buffers can be out of bounds.
  if (!shared) call(typedArrayIncludes, typedArray, 0, Infinity);
  if (name !== 'Int32Array' && name !== 'BigInt64Array') {
    throw new TypeErrorCtor('Atomics wait/notify need an Int32Array or a BigInt64Array');
  }
  return {
    object: typedArray as WaitableArray,
    name,
    buffer,
    shared,
    length: call<number>(typedArrayLength, typedArray),
    byteOffset: call<number>(typedArrayByteOffset, typedArray),
  };
}

// 25.4.3.2 ValidateAtomicAccess — the length is read before ToIndex (ES2025), so a growable
// buffer grown by the index's valueOf does not widen the bound. Returns the element index;
// the byte index is elementIndex × elementSize + byteOffset.
export function ValidateAtomicAccess(taRecord: TaRecord, requestIndex: unknown): number {
  const length = taRecord.length;
  const accessIndex = ToIndex(requestIndex);
  if (accessIndex >= length) {
    throw new RangeErrorCtor('Atomic access index out of range');
  }
  return accessIndex;
}

export function elementSize(name: WaitableName): 4 | 8 {
  return name === 'Int32Array' ? 4 : 8;
}

/** Step 9 of DoWait (25.4.3.14): the timeout in milliseconds, +∞ for "forever". */
export function TimeoutFromNumber(q: number): number {
  if (NumberIsNaN(q) || q === Infinity) return Infinity;
  if (q === -Infinity) return 0;
  return MathMax(q, 0);
}

/** What DoWait settles without waiting, or the coerced arguments of a wait that must block. */
export type WaitPlan =
  | { sync: 'not-equal' | 'timed-out' }
  | { sync: undefined; buffer: SharedArrayBuffer; byteIndex: number; index: number; big: boolean; v: number | bigint; t: number };

// 25.4.3.14 DoWait(mode, typedArray, index, value, timeout), steps 1-9 and the comparison of
// steps 20-21 (read, not-equal, timeout 0): every check and coercion in the spec's order, shared
// by waitAsync and waitFor. The waiting itself is the engine's.
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
  return { sync: undefined, buffer: taRecord.buffer as SharedArrayBuffer, byteIndex, index: i, big, v, t };
}

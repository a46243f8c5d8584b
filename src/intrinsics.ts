// Intrinsics captured once at load, so user code that later replaces prototypes, globals or
// Symbol.toStringTag cannot change how we validate or what we return (DESIGN §1).

type Getter<T> = (this: unknown) => T;

const { getOwnPropertyDescriptor, getPrototypeOf, defineProperty } = Object;

function getter<T>(proto: object | null | undefined, key: PropertyKey): Getter<T> | undefined {
  const d = proto ? getOwnPropertyDescriptor(proto, key) : undefined;
  return d && (d.get as Getter<T> | undefined);
}

export const G: typeof globalThis = typeof globalThis !== 'undefined' ? globalThis : (self as never);

const TypedArrayPrototype: object = getPrototypeOf(Int8Array.prototype);

/** %TypedArray%.prototype[@@toStringTag] getter: the [[TypedArrayName]] brand, undefined if none. */
export const typedArrayName = getter<string | undefined>(TypedArrayPrototype, Symbol.toStringTag)!;
export const typedArrayBuffer = getter<ArrayBufferLike>(TypedArrayPrototype, 'buffer')!;
export const typedArrayLength = getter<number>(TypedArrayPrototype, 'length')!;
export const typedArrayByteOffset = getter<number>(TypedArrayPrototype, 'byteOffset')!;
/** includes() performs ValidateTypedArray first; with fromIndex +∞ it scans nothing. */
export const typedArrayIncludes = (TypedArrayPrototype as { includes: Function }).includes as (
  this: unknown, v: unknown, from: number) => boolean;

export const SAB: SharedArrayBufferConstructor | undefined =
  typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : undefined;
/** SharedArrayBuffer.prototype.byteLength getter: throws unless [[ArrayBufferData]] is shared. */
export const sabByteLength = SAB ? getter<number>(SAB.prototype, 'byteLength') : undefined;

export const Atom = Atomics;
export const nativeWait = Atomics.wait;
export const nativeNotify = Atomics.notify;
export const nativeLoad = Atomics.load;
export const nativeWaitAsync: Function | undefined =
  typeof (Atomics as { waitAsync?: unknown }).waitAsync === 'function'
    ? (Atomics as unknown as { waitAsync: Function }).waitAsync
    : undefined;

export const PromiseCtor = Promise;
export const BigIntAsIntN = typeof BigInt === 'function' ? BigInt.asIntN : undefined;
export const ReflectApply = Reflect.apply;
export const MathTrunc = Math.trunc;
export const MathMax = Math.max;
export const NumberIsNaN = Number.isNaN;
export const ObjectDefineProperty = defineProperty;
export const ObjectCreate = Object.create;
export const ObjectGetOwnPropertyDescriptor = getOwnPropertyDescriptor;
export const TypeErrorCtor = TypeError;
export const RangeErrorCtor = RangeError;
export const Int32ArrayCtor = Int32Array;
export const BigInt64ArrayCtor: BigInt64ArrayConstructor | undefined =
  typeof BigInt64Array === 'function' ? BigInt64Array : undefined;

/** Calls a captured method without going through (possibly replaced) Function.prototype.call. */
export function call<R>(fn: Function, thisArg: unknown, ...args: unknown[]): R {
  return ReflectApply(fn, thisArg, args) as R;
}

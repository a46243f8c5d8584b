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

// Atomics' functions ignore `this`: captured, they can be called bare.
export const aLoad = Atomics.load as <T extends Int32Array | BigInt64Array>(ta: T, i: number) => T[number];
export const aStore = Atomics.store as <T extends Int32Array | BigInt64Array>(ta: T, i: number, v: T[number]) => T[number];
export const aAdd = Atomics.add as (ta: Int32Array, i: number, v: number) => number;
export const aExchange = Atomics.exchange as (ta: Int32Array, i: number, v: number) => number;
export const aCompareExchange = Atomics.compareExchange as (ta: Int32Array, i: number, e: number, r: number) => number;
export const aNotify = Atomics.notify as (ta: Int32Array, i: number, count?: number) => number;

export const MathMin = Math.min;
export const MathCeil = Math.ceil;

// Collections through methods captured at load, so replaced prototypes cannot reach the engine.
const MapProto = Map.prototype;
const mapGet = MapProto.get;
const mapSet = MapProto.set;
const mapDelete = MapProto.delete;
const mapForEach = MapProto.forEach;
const mapSize = getter<number>(MapProto, 'size')!;
const WeakMapProto = WeakMap.prototype;
const weakGet = WeakMapProto.get;
const weakSet = WeakMapProto.set;
const weakDelete = WeakMapProto.delete;
const SetProto = Set.prototype;
const setHas = SetProto.has;
const setAdd = SetProto.add;
const MapCtor = Map;
const WeakMapCtor = WeakMap;

/**
 * FinalizationRegistry (ES2021) where the engine has one (Node 14.6+, Safari 14.1+, Firefox 79+,
 * Chromium 84+), and its register method captured: quoted, as the browser builds rename an
 * internal `register` (scripts/mangle.mjs leaves quoted names alone).
 */
const FinalizationRegistryCtor = (G as unknown as { FinalizationRegistry?: new <T>(cleanup: (held: T) => void) => object })
  .FinalizationRegistry;
const finalizerRegister: Function | undefined = FinalizationRegistryCtor &&
  (FinalizationRegistryCtor.prototype as Record<string, Function>)['register'];
/** A finalization registry calling `cleanup(held)`, or null where the engine has none. */
export function newFinalizer<T>(cleanup: (held: T) => void): ((target: object, held: T) => void) | null {
  if (!FinalizationRegistryCtor || !finalizerRegister) return null;
  const r = new FinalizationRegistryCtor<T>(cleanup);
  return (target, held) => { ReflectApply(finalizerRegister, r, [target, held]); };
}
const SetCtor = Set;

export class SafeMap<K, V> {
  private readonly m: Map<K, V> = new MapCtor();
  get(k: K): V | undefined { return ReflectApply(mapGet, this.m, [k]) as V | undefined; }
  set(k: K, v: V): void { ReflectApply(mapSet, this.m, [k, v]); }
  delete(k: K): void { ReflectApply(mapDelete, this.m, [k]); }
  get size(): number { return ReflectApply(mapSize, this.m, []) as number; }
  forEach(f: (v: V, k: K) => void): void { ReflectApply(mapForEach, this.m, [f]); }
}

export class SafeWeakMap<K extends object, V> {
  private readonly m: WeakMap<K, V> = new WeakMapCtor();
  get(k: K): V | undefined { return ReflectApply(weakGet, this.m, [k]) as V | undefined; }
  set(k: K, v: V): void { ReflectApply(weakSet, this.m, [k, v]); }
  delete(k: K): void { ReflectApply(weakDelete, this.m, [k]); }
}

export class SafeSet<T> {
  private readonly s: Set<T> = new SetCtor();
  has(v: T): boolean { return ReflectApply(setHas, this.s, [v]) as boolean; }
  add(v: T): void { ReflectApply(setAdd, this.s, [v]); }
}

/** Array helpers that do not go through (replaceable) Array.prototype methods or iterators. */
export function arrayRemove<T>(a: T[], x: T): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === x) {
      for (let j = i + 1; j < a.length; j++) a[j - 1] = a[j];
      a.length--;
      return true;
    }
  }
  return false;
}

export function arrayCopy<T>(a: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return out;
}

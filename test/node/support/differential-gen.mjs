// Deterministic generator of argument tuples for the differential tests (native V8 vs the shim).
//
// A tuple is a *recipe*: plain data (primitives and descriptions of objects). Each side builds its
// own fresh fixtures from the same recipe, so side effects (a valueOf that grows, detaches or
// stores) happen on that side's buffers only, and user-visible calls are logged per side.
// Host-agnostic: Node (test/node/differential.test.mjs) and browser pages
// (test/browser/suites/oracles.mjs) draw the same tuples from the same seed.

// ---- seeded PRNG -----------------------------------------------------------------------------

export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  int(n) {
    return Math.floor(this.next() * n);
  }
  pick(array) {
    return array[this.int(array.length)];
  }
  chance(p) {
    return this.next() < p;
  }
}

// ---- realms, constants -----------------------------------------------------------------------

/**
 * Another realm: typed arrays and buffers from there must be accepted too. In Node a vm context;
 * a page passes a same-origin iframe's window to setOtherRealm() before building any fixture.
 */
export let otherRealm = typeof process === 'object' && process.versions && process.versions.node
  ? (await import('node:vm')).runInNewContext('this')
  : undefined;
export function setOtherRealm(realm) {
  otherRealm = realm;
}

export class Boom extends Error {}

export const SYM = Symbol('differential');

export const BYTES = 32;
export const MAX_BYTES = 64;

export const CTORS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];
const WAITABLE = ['Int32Array', 'BigInt64Array'];

/** Element j of every fresh view: a small repeating pattern, so equal values are common. */
const PATTERN = [0, 1, -1, 2];

const lengthGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), 'length').get;
/** A typed array's length through the intrinsic getter (works after prototype swaps). */
export function taLength(view) {
  return Reflect.apply(lengthGetter, view, []);
}

// ---- pools -----------------------------------------------------------------------------------

const INDEX_WEIRD = [
  -0, -1, -0.5, -0.9, 0.5, 0.999, 1.9, 3.7, 7.5, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53,
  2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE,
  NaN, Infinity, -Infinity, '1', ' 2 ', '0x1', '1e0', '', 'abc', '-0', '-1', '3.9', '9007199254740992',
  true, false, null, undefined, 0n, 1n, SYM,
];
const INT_VALUE_WEIRD = [
  3, -0, 0.5, 1.5, -1.5, -0.9, 2 ** 32, 2 ** 32 + 1, 2 ** 32 - 1, 2 ** 31, -(2 ** 31), 2 ** 53,
  -(2 ** 32) + 2, NaN, Infinity, -Infinity, 1e21, '1', '-1', ' 2 ', '0x2', '', 'x', '4294967295',
  true, false, null, undefined, 0n, 1n, -1n, SYM,
];
const BIG_VALUE_WEIRD = [
  3n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 64n + 2n, 2n ** 63n, -(2n ** 63n), -(2n ** 64n) + 1n,
  '1', '-1', '0x1', ' 2 ', '', '1.5', 'x', '-0', '18446744073709551615', '1n', '0b2', '1e3',
  '--1', '0x', 'Infinity', '-0x1', true, false,
  0, 1, -1, 1.5, NaN, null, undefined, SYM,
];
const TIMEOUT_POOL = [
  undefined, NaN, Infinity, -Infinity, -1, -0.5, -1e-9, 0, -0, 0.5, 1, 1e-9, 1.5, 2, 1e10,
  2 ** 53, Number.MAX_VALUE, '0', '1', '-5', '0.5', 'abc', '', ' ', null, true, false, 0n, 1n, SYM,
];
const COUNT_POOL = [
  undefined, 0, -0, 1, 2, 3, 4, -1, -3, 0.5, 1.5, 2.9, -0.5, NaN, Infinity, -Infinity, 2 ** 31,
  2 ** 32, 2 ** 53, '1', '2', '', 'x', '-1', ' 3 ', '0x2', null, true, false, 0n, 1n, SYM,
];

const HOWS = [
  'valueOf', 'valueOf', 'toString', 'toPrimitive', 'toPrimitive', 'throws', 'noPrimitive',
  'toPrimitiveObject', 'toPrimitiveNotCallable', 'toPrimitiveNull', 'boxed', 'array', 'date',
];

// ---- recipe generation -----------------------------------------------------------------------

function genTarget(rng) {
  const r = rng.next();
  if (r < 0.82) {
    const ctor = rng.chance(0.8) ? rng.pick(WAITABLE) : rng.pick(CTORS);
    const bufferKind = rng.pick([
      'sab', 'sab', 'sab', 'sab', 'sab', 'sab', 'gsab', 'gsab', 'gsab', 'realm-sab', 'realm-ta',
      'ab', 'rab', 'detached', 'rab-oob', 'realm-ab',
    ]);
    const bpe = bytesPerElement(ctor);
    const off = rng.pick([0, 0, 0, 1, 2]);
    const maxLen = BYTES / bpe - off;
    // undefined = whole rest of the buffer (length-tracking on resizable/growable buffers).
    const len = rng.chance(0.6) ? undefined : 1 + rng.int(maxLen);
    const growNow = bufferKind === 'gsab' && rng.chance(0.3);
    const shrinkTo = bufferKind === 'rab-oob' ? rng.pick([0, 2, 4, 8]) : undefined;
    const protoSwapped = rng.chance(0.05);
    const subclass = !protoSwapped && bufferKind === 'sab' && rng.chance(0.05);
    return { kind: 'ta', ctor, bufferKind, off, len, growNow, shrinkTo, protoSwapped, subclass };
  }
  return {
    kind: rng.pick([
      'dataview', 'plain', 'arraylike', 'array', 'null', 'undefined', 'number', 'string',
      'fakeProto', 'proxyTA', 'sabItself', 'function', 'symbol', 'bigint', 'toStringTagLiar',
    ]),
  };
}

function bytesPerElement(ctor) {
  return globalThis[ctor].BYTES_PER_ELEMENT;
}

function genEffect(rng) {
  if (!rng.chance(0.3)) return null;
  const type = rng.pick(['store', 'store', 'grow', 'grow', 'resize', 'detach']);
  switch (type) {
    case 'store':
      return { type, at: rng.int(10), val: rng.pick(PATTERN.concat([5])) };
    case 'grow':
      return { type, to: rng.pick([40, 48, 64]) };
    case 'resize':
      return { type, to: rng.pick([0, 4, 8, 16, 48, 64]) };
    default:
      return { type };
  }
}

/** An argument: a primitive, or a description of an object that coerces to one. */
function genArg(rng, primitive, objectChance = 0.25) {
  const prim = primitive();
  if (!rng.chance(objectChance)) return { prim };
  const how = rng.pick(HOWS);
  return { obj: { how, prim, effect: genEffect(rng), proxy: rng.chance(0.25) } };
}

function smallIndex(rng) {
  return rng.int(10);
}

function genIndex(rng) {
  return genArg(rng, () => (rng.chance(0.6) ? smallIndex(rng) : rng.pick(INDEX_WEIRD)));
}

function genValue(rng, target) {
  const big = target.kind === 'ta' && /^Big/.test(target.ctor);
  return genArg(rng, () => {
    if (rng.chance(0.55)) {
      const p = rng.pick(PATTERN);
      return big ? BigInt(p) : p;
    }
    if (rng.chance(0.15)) return big ? rng.pick(INT_VALUE_WEIRD) : rng.pick(BIG_VALUE_WEIRD);
    return big ? rng.pick(BIG_VALUE_WEIRD) : rng.pick(INT_VALUE_WEIRD);
  });
}

function genTimeout(rng) {
  return genArg(rng, () => rng.pick(TIMEOUT_POOL));
}

function genCount(rng) {
  return genArg(rng, () => rng.pick(COUNT_POOL));
}

export function genWaitRecipe(rng) {
  const target = genTarget(rng);
  const argc = rng.chance(0.05) ? rng.int(4) : 4; // sometimes missing trailing arguments
  return { target, index: genIndex(rng), value: genValue(rng, target), timeout: genTimeout(rng), argc };
}

export function genNotifyRecipe(rng) {
  const target = genTarget(rng);
  const argc = rng.chance(0.08) ? rng.int(3) : 3;
  // Waiters registered (by the same side) before the notify: how many, and where.
  const waiters = rng.chance(0.35)
    ? { n: 1 + rng.int(3), where: rng.pick(['same', 'same', 'same', 'other']), otherAt: rng.int(8) }
    : null;
  return { target, index: genIndex(rng), count: genCount(rng), argc, waiters };
}

// ---- building a side's fixtures ----------------------------------------------------------------

function realmOf(kind) {
  return kind.startsWith('realm-') ? otherRealm : globalThis;
}

/**
 * Builds the recipe's typedArray argument for one side. Returns { target, buffer, view } where
 * `view` is the typed array (or undefined) and `buffer` the buffer effects act on.
 */
export function buildTarget(t) {
  switch (t.kind) {
    case 'ta': {
      const R = realmOf(t.bufferKind);
      let buffer;
      switch (t.bufferKind) {
        case 'sab': case 'realm-sab': case 'realm-ta':
          buffer = t.bufferKind === 'realm-ta' ? new SharedArrayBuffer(BYTES) : new R.SharedArrayBuffer(BYTES);
          break;
        case 'gsab':
          buffer = new SharedArrayBuffer(BYTES, { maxByteLength: MAX_BYTES });
          break;
        case 'ab': case 'realm-ab': case 'detached':
          buffer = new R.ArrayBuffer(BYTES);
          break;
        case 'rab': case 'rab-oob':
          buffer = new ArrayBuffer(BYTES, { maxByteLength: MAX_BYTES });
          break;
        default:
          throw new Error(`unknown buffer kind ${t.bufferKind}`);
      }
      // realm-ta: a view constructed by the other realm's constructor over our SAB.
      const C = t.bufferKind === 'realm-ta' ? otherRealm[t.ctor] : t.subclass ? subclassOf(t.ctor) : R[t.ctor];
      const bpe = C.BYTES_PER_ELEMENT;
      const view = t.len === undefined ? new C(buffer, t.off * bpe) : new C(buffer, t.off * bpe, t.len);
      const big = /^Big/.test(t.ctor);
      for (let j = 0; j < view.length; j++) {
        const p = PATTERN[j % PATTERN.length];
        view[j] = big ? BigInt(p) : p;
      }
      if (t.growNow) buffer.grow(48);
      if (t.bufferKind === 'detached') structuredClone(buffer, { transfer: [buffer] });
      if (t.bufferKind === 'rab-oob') buffer.resize(t.shrinkTo);
      if (t.protoSwapped) Object.setPrototypeOf(view, Object.prototype);
      return { target: view, buffer, view };
    }
    case 'dataview': {
      const buffer = new SharedArrayBuffer(BYTES);
      return { target: new DataView(buffer), buffer };
    }
    case 'plain': return { target: {} };
    case 'arraylike': return { target: { length: 4, 0: 0, 1: 1, 2: -1, 3: 2 } };
    case 'array': return { target: [0, 1, -1, 2] };
    case 'null': return { target: null };
    case 'undefined': return { target: undefined };
    case 'number': return { target: 1 };
    case 'string': return { target: 'Int32Array' };
    case 'symbol': return { target: SYM };
    case 'bigint': return { target: 1n };
    case 'function': return { target: function Int32Array() {} };
    case 'fakeProto': return { target: Object.create(Int32Array.prototype) };
    case 'proxyTA': {
      const buffer = new SharedArrayBuffer(BYTES);
      return { target: new Proxy(new Int32Array(buffer), {}), buffer };
    }
    case 'sabItself': {
      const buffer = new SharedArrayBuffer(BYTES);
      return { target: buffer, buffer };
    }
    case 'toStringTagLiar': {
      // Claims to be an Int32Array through Symbol.toStringTag, but is not a typed array.
      const buffer = new SharedArrayBuffer(BYTES);
      const target = { [Symbol.toStringTag]: 'Int32Array', buffer, length: 8, byteOffset: 0 };
      return { target, buffer };
    }
    default:
      throw new Error(`unknown target kind ${t.kind}`);
  }
}

const subclasses = new Map();
function subclassOf(name) {
  let C = subclasses.get(name);
  if (!C) {
    const Base = globalThis[name];
    C = class extends Base {};
    subclasses.set(name, C);
  }
  return C;
}

function applyEffect(effect, side) {
  const { view, buffer } = side;
  try {
    switch (effect.type) {
      case 'store':
        if (view && effect.at < taLength(view)) {
          view[effect.at] = /^Big/.test(side.ctorName) ? BigInt(effect.val) : effect.val;
        }
        break;
      case 'grow':
        if (buffer && buffer.growable && effect.to >= buffer.byteLength) buffer.grow(effect.to);
        break;
      case 'resize':
        if (buffer && buffer.resizable) buffer.resize(effect.to);
        break;
      case 'detach':
        if (buffer && !(buffer instanceof SharedArrayBuffer) && buffer.byteLength !== undefined) {
          structuredClone(buffer, { transfer: [buffer] });
        }
        break;
      default:
        throw new Error(`unknown effect ${effect.type}`);
    }
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError || (e && e.name === 'DataCloneError'))) throw e;
  }
  side.log.push(`effect:${effect.type}`);
}

/** A proxy that logs every trap, so any extra reflection by an implementation shows up. */
function logged(role, target, log) {
  const handler = {};
  for (const trap of ['get', 'has', 'getOwnPropertyDescriptor', 'ownKeys', 'getPrototypeOf',
    'set', 'defineProperty', 'deleteProperty', 'isExtensible', 'preventExtensions', 'setPrototypeOf']) {
    handler[trap] = (...args) => {
      const key = trap === 'get' || trap === 'has' || trap === 'getOwnPropertyDescriptor' ? `(${String(args[1])})` : '';
      log.push(`${role}.[[${trap}]]${key}`);
      return Reflect[trap](...args);
    };
  }
  return new Proxy(target, handler);
}

export function buildArg(role, spec, side) {
  if (!('obj' in spec)) return spec.prim;
  const { how, prim, effect, proxy } = spec.obj;
  const log = side.log;
  const fire = () => {
    if (effect) applyEffect(effect, side);
  };
  const tag = (name) => log.push(`${role}.${name}`);
  let o;
  switch (how) {
    case 'valueOf':
      o = {
        valueOf() { tag('valueOf'); fire(); return prim; },
        toString() { tag('toString'); return '7'; },
      };
      break;
    case 'toString':
      o = {
        valueOf() { tag('valueOf'); return {}; },
        toString() { tag('toString'); fire(); return prim; },
      };
      break;
    case 'toPrimitive':
      o = {
        [Symbol.toPrimitive](hint) { tag(`@@toPrimitive(${hint})`); fire(); return prim; },
        valueOf() { tag('valueOf'); return 7; },
        toString() { tag('toString'); return '7'; },
      };
      break;
    case 'throws':
      o = { valueOf() { tag('valueOf'); fire(); throw new Boom(role); } };
      break;
    case 'noPrimitive':
      o = {
        valueOf() { tag('valueOf'); fire(); return {}; },
        toString() { tag('toString'); return []; },
      };
      break;
    case 'toPrimitiveObject':
      o = { [Symbol.toPrimitive](hint) { tag(`@@toPrimitive(${hint})`); fire(); return {}; } };
      break;
    case 'toPrimitiveNotCallable':
      o = { [Symbol.toPrimitive]: 1, valueOf() { tag('valueOf'); return prim; } };
      break;
    case 'toPrimitiveNull':
      // GetMethod treats null as absent: falls back to valueOf.
      o = { [Symbol.toPrimitive]: null, valueOf() { tag('valueOf'); fire(); return prim; } };
      break;
    case 'boxed':
      o = prim === null || prim === undefined ? {} : Object(prim);
      break;
    case 'array':
      o = [prim];
      break;
    case 'date':
      o = new Date(typeof prim === 'number' ? prim : 0);
      break;
    default:
      throw new Error(`unknown how ${how}`);
  }
  return proxy ? logged(role, o, log) : o;
}

/** Builds the actual argument list for one side. */
export function buildWaitArgs(recipe, log) {
  const built = buildTarget(recipe.target);
  const side = { log, view: built.view, buffer: built.buffer, ctorName: recipe.target.ctor };
  const args = [
    built.target,
    buildArg('index', recipe.index, side),
    buildArg('value', recipe.value, side),
    buildArg('timeout', recipe.timeout, side),
  ].slice(0, recipe.argc);
  return { args, side };
}

export function buildNotifyArgs(recipe, log) {
  const built = buildTarget(recipe.target);
  const side = { log, view: built.view, buffer: built.buffer, ctorName: recipe.target.ctor };
  const args = [
    built.target,
    buildArg('index', recipe.index, side),
    buildArg('count', recipe.count, side),
  ].slice(0, recipe.argc);
  return { args, side };
}

// ---- reference coercions (only for classifying, never to judge) --------------------------------

/**
 * The primitive an argument spec's ToPrimitive(hint number) gives, where the test can tell without
 * running it (logging objects, boxes, arrays, dates); { ok: false } for the ones that throw.
 */
export function primOf(spec) {
  if ('prim' in spec) return { ok: true, prim: spec.prim };
  const { how, prim } = spec.obj;
  switch (how) {
    case 'valueOf': case 'toString': case 'toPrimitive': case 'toPrimitiveNull':
      return { ok: true, prim };
    case 'boxed':
      return { ok: true, prim: prim === null || prim === undefined ? '[object Object]' : prim };
    case 'array':
      return typeof prim === 'symbol' ? { ok: false } : { ok: true, prim: prim === null || prim === undefined ? '' : String(prim) };
    case 'date':
      return { ok: true, prim: new Date(typeof prim === 'number' ? prim : 0).valueOf() };
    default:
      return { ok: false };
  }
}

export function refToIndex(prim) {
  if (typeof prim === 'symbol' || typeof prim === 'bigint') return undefined;
  const n = Number(prim);
  const i = Number.isNaN(n) ? 0 : Math.trunc(n);
  return i < 0 || i > Number.MAX_SAFE_INTEGER ? undefined : i;
}

// ---- printing ----------------------------------------------------------------------------------

export function describe(recipe) {
  return JSON.stringify(recipe, (_k, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'symbol') return v.toString();
    if (v === undefined) return 'undefined';
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (Object.is(v, -0)) return '-0';
    return v;
  });
}

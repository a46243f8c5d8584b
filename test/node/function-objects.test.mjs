// The function objects themselves (name, length, not constructors, property descriptors),
// install()/uninstall() on a Node that has a native Atomics.waitAsync, and robustness against user
// code that replaces the intrinsics the shim depends on (DESIGN §1: intrinsics captured at load).
import { expect } from 'chai';

const nativeWaitAsync = Atomics.waitAsync;
const nativeNotify = Atomics.notify;
const hasNative = typeof nativeWaitAsync === 'function' &&
  /\[native code\]/.test(Function.prototype.toString.call(nativeWaitAsync));
const OriginalPromise = Promise;
const pkg = await import('../../dist/index.mjs');
const { shim } = pkg;

function isConstructor(f) {
  try {
    Reflect.construct(String, [], f);
    return true;
  } catch {
    return false;
  }
}

function descriptors(object, keys) {
  return Object.fromEntries(keys.map((k) => [k, Object.getOwnPropertyDescriptor(object, k)]));
}

/** The promise's outcome, or a note that it is still pending after `ms` (never hangs the suite). */
function within(promise, ms = 3000) {
  let timer;
  const late = new OriginalPromise((resolve) => { timer = setTimeout(resolve, ms, `still pending after ${ms} ms`); });
  return OriginalPromise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('function objects: shim.waitAsync and shim.notify look like the native built-ins', function () {
  const pairs = [
    ['waitAsync', () => shim.waitAsync, () => nativeWaitAsync, 4],
    ['notify', () => shim.notify, () => nativeNotify, 3],
  ];

  for (const [name, ours, native, length] of pairs) {
    describe(name, function () {
      it(`name is '${name}' and length is ${length}, like native`, function () {
        expect(ours().name).to.equal(name);
        expect(ours().length).to.equal(length);
        expect(native().name).to.equal(name);
        expect(native().length).to.equal(length);
      });

      it('own keys and the descriptors of length and name are the native ones', function () {
        expect(Reflect.ownKeys(ours())).to.have.members(Reflect.ownKeys(native()));
        expect(descriptors(ours(), ['length', 'name'])).to.deep.equal(descriptors(native(), ['length', 'name']));
      });

      it('is an ordinary function object inheriting from Function.prototype, extensible, strict', function () {
        expect(typeof ours()).to.equal('function');
        expect(Object.getPrototypeOf(ours())).to.equal(Function.prototype);
        expect(Object.isExtensible(ours())).to.equal(Object.isExtensible(native()));
        expect(Object.prototype.hasOwnProperty.call(ours(), 'caller')).to.equal(false);
        expect(Object.prototype.hasOwnProperty.call(ours(), 'arguments')).to.equal(false);
      });

      it('is not a constructor: new throws TypeError, no own prototype, like native', function () {
        expect(isConstructor(native())).to.equal(false);
        expect(isConstructor(ours())).to.equal(false);
        expect(Object.prototype.hasOwnProperty.call(ours(), 'prototype')).to.equal(false);
        const ta = new Int32Array(new SharedArrayBuffer(16));
        const F = ours();
        expect(() => new F(ta, 0, 1, 0)).to.throw(TypeError);
        const N = native();
        expect(() => new N(ta, 0, 1, 0)).to.throw(TypeError);
      });

      it('does not depend on its this value', function () {
        const ta = new Int32Array(new SharedArrayBuffer(16));
        const args = name === 'waitAsync' ? [ta, 0, 1] : [ta, 0];
        for (const thisArg of [undefined, null, {}, Atomics, 42]) {
          expect(Reflect.apply(ours(), thisArg, args)).to.deep.equal(Reflect.apply(native(), thisArg, args));
        }
      });
    });
  }
});

describe('install() / uninstall() on an engine with a native waitAsync', function () {
  before(function () {
    if (!hasNative) this.skip();
  });

  const globals = () => descriptors(Atomics, ['waitAsync', 'notify']);
  let original;
  beforeEach(function () {
    original = globals();
    const before = original;
    expect(pkg.hasNativeWaitAsync).to.equal(true);
    expect(before.waitAsync.value).to.equal(nativeWaitAsync, 'precondition: native Atomics.waitAsync in place');
  });
  afterEach(function () {
    // Never leave the globals modified, whatever happened in the test.
    pkg.uninstall();
    for (const [k, d] of Object.entries(original)) Object.defineProperty(Atomics, k, d);
  });

  it('the ponyfill exports the native waitAsync, and a notify that also wakes waitFor waiters', function () {
    expect(pkg.waitAsync).to.equal(nativeWaitAsync);
    // notify stays ours on native engines: waitFor waiters live in our engine (README, waitFor).
    expect(pkg.notify).to.equal(pkg.shim.notify);
  });

  it('install() without force returns false and leaves the native functions untouched', function () {
    expect(pkg.install()).to.equal(false);
    expect(pkg.install({})).to.equal(false);
    expect(pkg.install({ force: false })).to.equal(false);
    expect(globals()).to.deep.equal(original);
    expect(Atomics.waitAsync).to.equal(nativeWaitAsync);
    expect(Atomics.notify).to.equal(nativeNotify);
    expect(pkg.uninstall()).to.equal(false);
    expect(globals()).to.deep.equal(original);
  });

  it('install({ force: true }) defines the shim with the native descriptors; uninstall() restores the originals exactly', function () {
    expect(pkg.install({ force: true })).to.equal(true);
    const after = globals();
    expect(after.waitAsync.value).to.equal(shim.waitAsync);
    expect(after.notify.value).to.equal(shim.notify);
    for (const k of ['waitAsync', 'notify']) {
      const { value: _a, ...ours } = after[k];
      const { value: _b, ...theirs } = original[k];
      expect(ours, k).to.deep.equal(theirs);
      expect(ours, k).to.deep.equal({ writable: true, enumerable: false, configurable: true });
    }
    // A second install is a no-op that reports the shim is in place.
    expect(pkg.install({ force: true })).to.equal(true);
    expect(globals()).to.deep.equal(after);
    // The installed functions work through the globals.
    const ta = new Int32Array(new SharedArrayBuffer(16));
    expect(Atomics.waitAsync(ta, 0, 1)).to.deep.equal({ async: false, value: 'not-equal' });
    expect(Atomics.notify(ta, 0)).to.equal(0);

    expect(pkg.uninstall()).to.equal(true);
    expect(globals()).to.deep.equal(original);
    expect(Atomics.waitAsync).to.equal(nativeWaitAsync);
    expect(Atomics.notify).to.equal(nativeNotify);
    expect(pkg.uninstall()).to.equal(false);
    expect(globals()).to.deep.equal(original);
  });

  it('uninstall() restores descriptors the user had changed before install, exactly', function () {
    Object.defineProperty(Atomics, 'notify', { value: nativeNotify, writable: false, enumerable: true, configurable: true });
    const custom = globals();
    expect(pkg.install({ force: true })).to.equal(true);
    expect(pkg.uninstall()).to.equal(true);
    expect(globals()).to.deep.equal(custom);
  });

  it('install() with options that are not an object throws TypeError and changes nothing', function () {
    for (const bad of [null, 1, 'force', true]) {
      expect(() => pkg.install(bad)).to.throw(TypeError);
      expect(globals()).to.deep.equal(original);
    }
  });
});

// ---- tampering ---------------------------------------------------------------------------------

const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype);

// Captured before any tampering: the test's own plumbing must not trip over it.
const { defineProperty, getOwnPropertyDescriptor } = Object;
const ReflectApply = Reflect.apply;
const hasOwn = Object.hasOwn;

/**
 * Replaces properties for the duration of the synchronous fn, restored in finally even when fn
 * throws. Index loops only: Array.prototype[@@iterator] may be one of the replaced properties.
 */
function tampered(edits, fn) {
  const saved = [];
  for (let i = 0; i < edits.length; i++) saved[i] = getOwnPropertyDescriptor(edits[i][0], edits[i][1]);
  let applied = 0;
  try {
    for (; applied < edits.length; applied++) {
      // A null-prototype descriptor: Object.prototype may itself be tampered with (value, get, ...).
      const d = { __proto__: null, configurable: true };
      const src = edits[applied][2];
      const keys = ['value', 'writable', 'get', 'set', 'enumerable'];
      for (let k = 0; k < keys.length; k++) if (hasOwn(src, keys[k])) d[keys[k]] = src[keys[k]];
      defineProperty(edits[applied][0], edits[applied][1], d);
    }
    fn();
  } finally {
    for (let i = applied - 1; i >= 0; i--) {
      if (saved[i]) defineProperty(edits[i][0], edits[i][1], saved[i]);
      else delete edits[i][0][edits[i][1]];
    }
  }
}

const thrower = () => { throw new Error('tampered intrinsic called'); };
const throwing = (object, key) => [object, key, { value: thrower, writable: true }];
const throwingGetter = (object, key) => [object, key, { get: thrower }];
const lyingGetter = (object, key, value) => [object, key, { get: () => value }];

/** The synchronous cases compared with native while the tampering is in place. */
function syncCases() {
  const sab = new SharedArrayBuffer(32);
  const i32 = new Int32Array(sab);
  const i64 = new BigInt64Array(sab);
  const off = new Int32Array(sab, 8, 2);
  i32[1] = 5;
  return [
    ['waitAsync', [i32, 0, 1]],
    ['waitAsync', [i32, 1, 5, 0]],
    ['waitAsync', [i64, 0, 1n]],
    ['waitAsync', [i64, 3, 0n, 0]],
    ['waitAsync', [off, 1, 0, 0]],
    ['waitAsync', [off, 2, 0, 0]],
    ['waitAsync', [i64, 0, 0, 0]],
    ['waitAsync', [i64, 0, '0x', 0]],
    ['waitAsync', [new Float64Array(sab), 0, 0, 0]],
    ['waitAsync', [new Uint32Array(sab), 0, 0, 0]],
    ['waitAsync', [new Int32Array(8), 0, 0, 0]],
    ['waitAsync', [new DataView(sab), 0, 0, 0]],
    ['waitAsync', [{}, 0, 0, 0]],
    ['waitAsync', [Object.create(Int32Array.prototype), 0, 0, 0]],
    ['waitAsync', [i32, -1, 0, 0]],
    ['waitAsync', [i32, 8, 0, 0]],
    ['waitAsync', [i32, 7.9, 0, 0]],
    ['waitAsync', [i32, 0, 2 ** 32, 0]],
    ['waitAsync', [i32, 0, 0, -Infinity]],
    ['notify', [i32, 0]],
    ['notify', [i32, 0, -5]],
    ['notify', [i32, 8]],
    ['notify', [i64, 3, 1]],
    ['notify', [new Int32Array(8), 0, 1]],
    ['notify', [new Float32Array(sab), 0, 1]],
    ['notify', [new Uint8Array(4), 0, 1]],
  ];
}

function outcome(fn, args) {
  try {
    return { value: ReflectApply(fn, Atomics, args) };
  } catch (e) {
    return { error: e && e.constructor && e.constructor.name };
  }
}

const TAMPERINGS = [
  ['%TypedArray%.prototype[@@toStringTag] says Int32Array for everything',
    () => [lyingGetter(TypedArrayPrototype, Symbol.toStringTag, 'Int32Array')]],
  ['%TypedArray%.prototype[@@toStringTag] throws',
    () => [throwingGetter(TypedArrayPrototype, Symbol.toStringTag)]],
  ['%TypedArray%.prototype length / buffer / byteOffset getters lie',
    () => [lyingGetter(TypedArrayPrototype, 'length', 1000), lyingGetter(TypedArrayPrototype, 'byteOffset', 4),
      lyingGetter(TypedArrayPrototype, 'buffer', new SharedArrayBuffer(4096))]],
  ['%TypedArray%.prototype length / buffer / byteOffset getters throw',
    () => ['length', 'byteOffset', 'buffer'].map((k) => throwingGetter(TypedArrayPrototype, k))],
  ['SharedArrayBuffer.prototype.byteLength throws',
    () => [throwingGetter(SharedArrayBuffer.prototype, 'byteLength')]],
  ['SharedArrayBuffer.prototype.byteLength lies, ArrayBuffer.prototype.byteLength throws',
    () => [lyingGetter(SharedArrayBuffer.prototype, 'byteLength', 32), throwingGetter(ArrayBuffer.prototype, 'byteLength')]],
  ['globalThis.Promise replaced by another class',
    () => [[globalThis, 'Promise', { value: class FakePromise { constructor() { throw new Error('fake Promise'); } }, writable: true }]]],
  ['Atomics.load throws',
    () => [throwing(Atomics, 'load')]],
  ['Atomics.notify and Atomics.wait throw',
    () => [throwing(Atomics, 'notify'), throwing(Atomics, 'wait')]],
  ['every Atomics method throws',
    () => Reflect.ownKeys(Atomics).filter((k) => typeof Atomics[k] === 'function').map((k) => throwing(Atomics, k))],
  ['Function.prototype.call / apply / bind and Reflect.apply throw',
    () => [throwing(Function.prototype, 'call'), throwing(Function.prototype, 'apply'),
      throwing(Function.prototype, 'bind'), throwing(Reflect, 'apply')]],
  ['Object.prototype has throwing async/value setters and a then getter',
    () => [[Object.prototype, 'async', { set: thrower }], [Object.prototype, 'value', { set: thrower }],
      [Object.prototype, 'then', { get: thrower }]]],
  ['BigInt.asIntN, Math.max/min/trunc/ceil, Number.isNaN throw',
    () => [throwing(BigInt, 'asIntN'), throwing(Math, 'max'), throwing(Math, 'min'), throwing(Math, 'trunc'),
      throwing(Math, 'ceil'), throwing(Number, 'isNaN')]],
  ['Array.prototype[@@iterator] and Array.prototype.push throw',
    () => [throwing(Array.prototype, Symbol.iterator), throwing(Array.prototype, 'push')]],
  ['Map / WeakMap / Set prototype methods throw',
    () => [
      ...['get', 'set', 'has', 'delete'].flatMap((k) => [throwing(Map.prototype, k), throwing(WeakMap.prototype, k)]),
      ...['add', 'has', 'delete'].map((k) => throwing(Set.prototype, k)),
    ]],
  ['Object.defineProperty / getOwnPropertyDescriptor / getPrototypeOf throw',
    () => [throwing(Object, 'defineProperty'), throwing(Object, 'getOwnPropertyDescriptor'), throwing(Object, 'getPrototypeOf')]],
  ['Promise.prototype.then and Promise.resolve throw',
    () => [throwing(OriginalPromise.prototype, 'then'), throwing(OriginalPromise, 'resolve')]],
];

/**
 * Three helpers spawned and parked again before the tampering, so that the async half measures
 * the package's code and not Node's: `new Worker` itself calls Function.prototype.call (in
 * EventEmitter), so spawning a thread under that tampering fails inside Node.
 */
async function warmHelpers() {
  pkg.uninstall(); // ends helpers an earlier failing case may have left armed (globals untouched: not installed)
  const ta = new Int32Array(new SharedArrayBuffer(16));
  const ps = [0, 1, 2].map((i) => shim.waitAsync(ta, i, 0).value);
  const until = async (ok, ms) => {
    const end = Date.now() + ms;
    while (!ok() && Date.now() < end) await new OriginalPromise((r) => setTimeout(r, 2));
  };
  await until(() => pkg.stats().blocked >= 3, 10000);
  for (const i of [0, 1, 2]) shim.notify(ta, i);
  await within(OriginalPromise.all(ps));
  await until(() => pkg.stats().armed === 0, 10000);
}

describe('robustness: user code replacing intrinsics after load does not change the shim', function () {
  this.timeout(20000);

  after(function () {
    // Whatever a failing tampering test left half-registered: end the helpers.
    pkg.uninstall();
  });

  for (const [title, edits] of TAMPERINGS) {
    it(title, async function () {
      // Expected outcomes from native, untampered (V8's builtins do not look at any of these).
      const expected = syncCases().map(([fn, args]) => outcome(fn === 'waitAsync' ? nativeWaitAsync : nativeNotify, args));
      await warmHelpers();
      const sab = new SharedArrayBuffer(16);
      const ta = new Int32Array(sab);
      let got;
      let results;
      let notified;
      const problems = [];
      tampered(edits(), () => {
        const cases = syncCases();
        got = [];
        for (let i = 0; i < cases.length; i++) got[i] = outcome(shim[cases[i][0]], cases[i][1]);
        // The asynchronous half too: one waiter notified, one timing out, one more notified later.
        try {
          results = [shim.waitAsync(ta, 0, 0), shim.waitAsync(ta, 1, 0, 5), shim.waitAsync(ta, 2, 0)];
          notified = shim.notify(ta, 0);
        } catch (e) {
          problems[problems.length] = `async half threw ${e} ${String(e && e.stack).split('\n').slice(1, 4).join(' |')}`;
        }
      });
      expect(got).to.deep.equal(expected);
      expect(problems).to.deep.equal([]);
      expect(results).to.have.lengthOf(3);
      for (const r of results) {
        expect(r.async).to.equal(true);
        expect(r.value).to.be.an.instanceof(OriginalPromise);
        expect(Object.getPrototypeOf(r.value)).to.equal(OriginalPromise.prototype);
      }
      expect(notified).to.equal(1);
      expect(shim.notify(ta, 2)).to.equal(1);
      expect(await within(OriginalPromise.all(results.map((r) => r.value)))).to.deep.equal(['ok', 'timed-out', 'ok']);
    });
  }
});

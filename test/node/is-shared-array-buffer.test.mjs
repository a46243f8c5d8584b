// isSharedArrayBuffer: a brand check ([[ArrayBufferData]] is a Shared Data Block), from any realm,
// immune to prototype games, and it never throws. Node's util.types.isSharedArrayBuffer is the
// oracle for every case.
import { expect } from 'chai';
import vm from 'node:vm';
import { types } from 'node:util';

const { isSharedArrayBuffer } = await import('../../dist/index.mjs');

/** A proxy whose every trap records its name and throws: the check must not touch any. */
function trapLogger(target, log) {
  const handler = new Proxy({}, {
    get(_h, trap) {
      return () => {
        log.push(String(trap));
        throw new Error(`trap ${String(trap)} called`);
      };
    },
  });
  return new Proxy(target, handler);
}

function revoked(target) {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

const otherRealm = vm.runInNewContext('this');

const TRUE_CASES = [
  ['new SharedArrayBuffer(8)', () => new SharedArrayBuffer(8)],
  ['new SharedArrayBuffer(0)', () => new SharedArrayBuffer(0)],
  ['a growable SharedArrayBuffer', () => new SharedArrayBuffer(8, { maxByteLength: 64 })],
  ['a growable SharedArrayBuffer after grow()', () => {
    const s = new SharedArrayBuffer(8, { maxByteLength: 64 });
    s.grow(64);
    return s;
  }],
  ["another realm's SharedArrayBuffer (vm.runInNewContext)", () => vm.runInNewContext('new SharedArrayBuffer(8)')],
  ["another realm's growable SharedArrayBuffer", () => vm.runInNewContext('new SharedArrayBuffer(8, { maxByteLength: 16 })')],
  ['a SharedArrayBuffer whose prototype was swapped to ArrayBuffer.prototype', () =>
    Object.setPrototypeOf(new SharedArrayBuffer(8), ArrayBuffer.prototype)],
  ['a SharedArrayBuffer with a null prototype', () => Object.setPrototypeOf(new SharedArrayBuffer(8), null)],
  ['a SharedArrayBuffer with an own byteLength and Symbol.toStringTag', () =>
    Object.defineProperties(new SharedArrayBuffer(8), {
      byteLength: { get() { throw new Error('own getter called'); } },
      [Symbol.toStringTag]: { value: 'ArrayBuffer' },
    })],
  ['a frozen SharedArrayBuffer', () => Object.freeze(new SharedArrayBuffer(8))],
  ['a SharedArrayBuffer clone (structuredClone)', () => structuredClone(new SharedArrayBuffer(8))],
  ['a subclass instance', () => new (class extends SharedArrayBuffer {})(8)],
  ['the buffer of an Int32Array on a SharedArrayBuffer', () => new Int32Array(new SharedArrayBuffer(8)).buffer],
];

const FALSE_CASES = [
  ['new ArrayBuffer(8)', () => new ArrayBuffer(8)],
  ['a resizable ArrayBuffer', () => new ArrayBuffer(8, { maxByteLength: 16 })],
  ['a detached ArrayBuffer', () => {
    const b = new ArrayBuffer(8);
    structuredClone(b, { transfer: [b] });
    return b;
  }],
  ["another realm's ArrayBuffer", () => vm.runInNewContext('new ArrayBuffer(8)')],
  ['an ArrayBuffer whose prototype was swapped to SharedArrayBuffer.prototype', () =>
    Object.setPrototypeOf(new ArrayBuffer(8), SharedArrayBuffer.prototype)],
  ['an Int32Array on a SharedArrayBuffer', () => new Int32Array(new SharedArrayBuffer(8))],
  ['a BigInt64Array on a SharedArrayBuffer', () => new BigInt64Array(new SharedArrayBuffer(8))],
  ['a DataView on a SharedArrayBuffer', () => new DataView(new SharedArrayBuffer(8))],
  ['a Uint8Array', () => new Uint8Array(8)],
  ['Object.create(SharedArrayBuffer.prototype)', () => Object.create(SharedArrayBuffer.prototype)],
  ['SharedArrayBuffer.prototype', () => SharedArrayBuffer.prototype],
  ['the SharedArrayBuffer constructor', () => SharedArrayBuffer],
  ["another realm's SharedArrayBuffer.prototype", () => otherRealm.SharedArrayBuffer.prototype],
  ['an object claiming the tag', () => ({ [Symbol.toStringTag]: 'SharedArrayBuffer', byteLength: 8 })],
  ['a Proxy of a SharedArrayBuffer', () => new Proxy(new SharedArrayBuffer(8), {})],
  ['a revoked Proxy of a SharedArrayBuffer', () => revoked(new SharedArrayBuffer(8))],
  ['a revoked Proxy of a function', () => revoked(function f() {})],
  ['a WebAssembly.Memory', () => new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })],
  ['{}', () => ({})],
  ['[]', () => []],
  ['a function', () => function SharedArrayBuffer() {}],
  ['undefined', () => undefined],
  ['null', () => null],
  ['0', () => 0],
  ['NaN', () => NaN],
  ["''", () => ''],
  ["'SharedArrayBuffer'", () => 'SharedArrayBuffer'],
  ['true', () => true],
  ['a symbol', () => Symbol('sab')],
  ['a bigint', () => 8n],
];

describe('isSharedArrayBuffer', function () {
  it('is a function of one argument', function () {
    expect(typeof isSharedArrayBuffer).to.equal('function');
    expect(isSharedArrayBuffer.length).to.equal(1);
  });

  describe('true for real SharedArrayBuffers', function () {
    for (const [title, make] of TRUE_CASES) {
      it(title, function () {
        const value = make();
        expect(types.isSharedArrayBuffer(value), 'oracle').to.equal(true);
        expect(isSharedArrayBuffer(value)).to.equal(true);
      });
    }
    it("a shared WebAssembly.Memory's buffer", function () {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
      expect(types.isSharedArrayBuffer(memory.buffer), 'oracle').to.equal(true);
      expect(isSharedArrayBuffer(memory.buffer)).to.equal(true);
      expect(isSharedArrayBuffer(new WebAssembly.Memory({ initial: 1 }).buffer)).to.equal(false);
    });
  });

  describe('false for everything else, without throwing', function () {
    for (const [title, make] of FALSE_CASES) {
      it(title, function () {
        const value = make();
        expect(types.isSharedArrayBuffer(value), 'oracle').to.equal(false);
        let result;
        expect(() => { result = isSharedArrayBuffer(value); }).to.not.throw();
        expect(result).to.equal(false);
      });
    }
  });

  it('touches no proxy trap (a proxy is never a SharedArrayBuffer, whatever it wraps)', function () {
    const log = [];
    expect(isSharedArrayBuffer(trapLogger(new SharedArrayBuffer(8), log))).to.equal(false);
    expect(isSharedArrayBuffer(trapLogger({}, log))).to.equal(false);
    expect(isSharedArrayBuffer(trapLogger(function f() {}, log))).to.equal(false);
    expect(log).to.deep.equal([]);
  });

  it('calls no user code on ordinary objects (getters, toStringTag, valueOf)', function () {
    const log = [];
    const tricky = {
      get byteLength() { log.push('byteLength'); return 8; },
      get [Symbol.toStringTag]() { log.push('toStringTag'); return 'SharedArrayBuffer'; },
      valueOf() { log.push('valueOf'); return 0; },
    };
    expect(isSharedArrayBuffer(tricky)).to.equal(false);
    expect(isSharedArrayBuffer(Object.setPrototypeOf(tricky, SharedArrayBuffer.prototype))).to.equal(false);
    expect(log).to.deep.equal([]);
  });

  it('is unaffected by replacing SharedArrayBuffer.prototype.byteLength, its toStringTag, or the global', function () {
    const saved = [
      [SharedArrayBuffer.prototype, 'byteLength'], [SharedArrayBuffer.prototype, Symbol.toStringTag],
      [ArrayBuffer.prototype, 'byteLength'], [globalThis, 'SharedArrayBuffer'],
    ].map(([o, k]) => [o, k, Object.getOwnPropertyDescriptor(o, k)]);
    const sab = new SharedArrayBuffer(8);
    const ab = new ArrayBuffer(8);
    try {
      Object.defineProperty(SharedArrayBuffer.prototype, 'byteLength', { get() { return 8; }, configurable: true });
      Object.defineProperty(SharedArrayBuffer.prototype, Symbol.toStringTag, { value: 'ArrayBuffer', configurable: true });
      Object.defineProperty(ArrayBuffer.prototype, 'byteLength', { get() { throw new Error('nope'); }, configurable: true });
      Object.defineProperty(globalThis, 'SharedArrayBuffer', { value: ArrayBuffer, configurable: true, writable: true });
      expect(isSharedArrayBuffer(sab)).to.equal(true);
      expect(isSharedArrayBuffer(ab)).to.equal(false);
      expect(isSharedArrayBuffer(Object.create(saved[0][0]))).to.equal(false);
    } finally {
      for (const [o, k, d] of saved) Object.defineProperty(o, k, d);
    }
    expect(Object.getOwnPropertyDescriptor(globalThis, 'SharedArrayBuffer').value).to.equal(sab.constructor);
  });

  it('returns exactly true or false (booleans), never truthy values', function () {
    for (const [, make] of [...TRUE_CASES, ...FALSE_CASES]) {
      expect(typeof isSharedArrayBuffer(make())).to.equal('boolean');
    }
  });
});

// core-js interop: core-js's global bundle (core-js/actual) loaded before (?order=before) or
// after (?order=after) the package (its <script> build, which installs, and its ESM build). Both
// must keep working and neither may clobber the other's globals.
import {
  Agent, assert, deepEqual, equal, loadBuild, loadScript, mode, note, params, run, test, within,
} from '/test/browser/harness.mjs';

const order = params.order || 'before';
const OURS = ['Atomics.waitAsync', 'Atomics.notify', 'globalThis.AtomicsWaitAsync', 'globalThis.@@atomics-wait-async'];
const KEY = Symbol.for('atomics-wait-async');

/** Identity of every own property of the globals and built-ins core-js touches. */
function snapshot() {
  const roots = { globalThis };
  for (const name of ['Object', 'Function', 'Array', 'String', 'Number', 'Symbol', 'Promise', 'Map', 'Set', 'WeakMap',
    'WeakSet', 'Math', 'JSON', 'Reflect', 'Atomics', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Uint8Array',
    'Int32Array', 'BigInt64Array', 'Iterator', 'Error', 'RegExp', 'Date', 'URL', 'URLSearchParams', 'AsyncIterator']) {
    const v = globalThis[name];
    if (v && (typeof v === 'object' || typeof v === 'function')) {
      roots[name] = v;
      if (v.prototype) roots[name + '.prototype'] = v.prototype;
    }
  }
  roots['%TypedArray%'] = Object.getPrototypeOf(Int8Array);
  roots['%TypedArray%.prototype'] = Object.getPrototypeOf(Int8Array.prototype);
  const snap = new Map();
  for (const [rootName, obj] of Object.entries(roots)) {
    for (const key of Reflect.ownKeys(obj)) {
      const d = Object.getOwnPropertyDescriptor(obj, key);
      const name = `${rootName}.${typeof key === 'symbol' ? '@@' + (key.description || '') : key}`;
      const shown = rootName === 'globalThis' && key === KEY ? 'globalThis.@@atomics-wait-async' : name;
      snap.set(shown, d && ('value' in d ? d.value : [d.get, d.set]));
    }
  }
  return snap;
}
function diff(a, b) {
  const changed = [];
  for (const [k, v] of b) {
    const old = a.get(k);
    const same = Array.isArray(v) && Array.isArray(old) ? v[0] === old[0] && v[1] === old[1] : Object.is(v, old);
    if (!a.has(k) || !same) changed.push(k);
  }
  for (const k of a.keys()) if (!b.has(k)) changed.push(k + ' (deleted)');
  return changed.filter((k) => !k.startsWith('globalThis.__') || k.includes('core-js'));
}

async function loadPackage() {
  await loadScript('/dist/atomics-wait-async.min.js');
  return loadBuild('esm');
}
const loadCoreJs = () => loadScript('/.cache/browser/core-js.js');

let lib;
const s0 = snapshot();
let s1;
let s2;
if (order === 'before') {
  await loadCoreJs();
  s1 = snapshot();
  lib = await loadPackage();
  s2 = snapshot();
} else {
  lib = await loadPackage();
  s1 = snapshot();
  await loadCoreJs();
  s2 = snapshot();
}

test('core-js was loaded and changed globals (it is really there)', () => {
  const coreJsChanges = order === 'before' ? diff(s0, s1) : diff(s1, s2);
  assert(coreJsChanges.length > 0, 'core-js changed nothing');
  assert(globalThis['__core-js_shared__'], 'core-js shared state present');
  note(`core-js ${order} the package changed ${coreJsChanges.length} properties`);
});

if (order === 'before') {
  test('the package, loaded after core-js, changes only its own globals', () => {
    const ours = diff(s1, s2);
    const foreign = ours.filter((k) => !OURS.includes(k));
    deepEqual(foreign, [], 'globals the package changed besides its own');
    if (mode !== 'native') {
      for (const k of ['Atomics.waitAsync', 'Atomics.notify']) assert(ours.includes(k), `${k} was installed`);
    } else {
      assert(!ours.includes('Atomics.waitAsync'), 'the native Atomics.waitAsync was replaced');
    }
  });
} else {
  test('core-js, loaded after the package, leaves the package\'s globals alone', () => {
    const changed = diff(s1, s2).filter((k) => OURS.includes(k));
    deepEqual(changed, [], 'package globals core-js changed');
  });
}

test('the package works: shape, same-agent notify(k), validation', async () => {
  equal(lib.hasNativeWaitAsync, mode === 'native', 'hasNativeWaitAsync');
  equal(self.AtomicsWaitAsync.shim, lib.shim, 'both builds share one engine');
  if (mode !== 'native') equal(Atomics.waitAsync, lib.shim.waitAsync, 'Atomics.waitAsync is the shim');
  const i32 = new Int32Array(new SharedArrayBuffer(8));
  const rs = [0, 1, 2].map(() => Atomics.waitAsync(i32, 1, 0, 60000));
  deepEqual(rs.map((r) => r.async), [true, true, true], 'async');
  equal(Atomics.notify(i32, 1, 2), 2, 'notify(2)');
  equal(Atomics.notify(i32, 1), 1, 'notify()');
  deepEqual(await within(Promise.all(rs.map((r) => r.value)), 10000, 'settling'), ['ok', 'ok', 'ok'], 'outcomes');
  let threw;
  try {
    Atomics.waitAsync(new Int32Array(2), 0, 0);
  } catch (e) {
    threw = e;
  }
  equal(threw && threw.constructor, TypeError, 'non-shared buffer error');
});

test('the package works: a worker store-then-notifies, ping-pong ×300', async () => {
  const sab = new SharedArrayBuffer(32);
  const view = new Int32Array(sab);
  const partner = await Agent.start('iife');
  const rounds = 300;
  const done = partner.call('partner', { sab, index: 0, rounds, kind: 'i32', perRound: 30000 }, rounds * 30000);
  const stats = await self.AWATest.pingPongWaiter({
    view, index: 0, rounds, kind: 'i32', timeout: 10000,
    waitAsync: (...a) => Atomics.waitAsync(...a), notify: (...a) => Atomics.notify(...a),
  });
  await done;
  equal(stats.rounds, rounds, 'rounds');
}, { timeout: 120000 });

test('core-js works: a few of its features', async () => {
  deepEqual(Iterator.from([1, 2, 3]).map((x) => x * 2).toArray(), [2, 4, 6], 'Iterator helpers');
  equal(new Set([1, 2]).union(new Set([2, 3])).size, 3, 'Set.prototype.union');
  deepEqual([3, 1, 2].toSorted(), [1, 2, 3], 'Array.prototype.toSorted');
  deepEqual(Object.keys(Object.groupBy([1, 2, 3], (x) => (x % 2 ? 'odd' : 'even'))), ['odd', 'even'], 'Object.groupBy');
  const { promise, resolve } = Promise.withResolvers();
  resolve(7);
  equal(await promise, 7, 'Promise.withResolvers');
  deepEqual([...Uint8Array.fromBase64('AQID')], [1, 2, 3], 'Uint8Array.fromBase64');
  equal(typeof structuredClone, 'function', 'structuredClone');
});

await run(`core-js/${order}`);

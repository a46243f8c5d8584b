// A page served without COOP/COEP: not cross-origin isolated, so SharedArrayBuffer is hidden.
// Loading and installing the package must not throw; isSharedArrayBuffer is false for anything.
import { assert, equal, loadBuild, loadScript, mode, run, test, throws } from '/test/browser/harness.mjs';

let esm;

test('the page is not cross-origin isolated and has no SharedArrayBuffer', () => {
  equal(self.crossOriginIsolated, false, 'crossOriginIsolated');
  equal(typeof SharedArrayBuffer, 'undefined', 'typeof SharedArrayBuffer');
});

test('the ESM build loads without throwing', async () => {
  esm = await loadBuild('esm');
  equal(esm.hasNativeWaitAsync, mode === 'native', 'hasNativeWaitAsync');
  for (const v of [new ArrayBuffer(8), undefined, null, {}, new Int32Array(2), 'x']) {
    equal(esm.isSharedArrayBuffer(v), false, `isSharedArrayBuffer(${Object.prototype.toString.call(v)})`);
  }
  equal(typeof esm.stats().helpers, 'number', 'stats()');
});

test('install() and the polyfill entry do not throw', async () => {
  const installed = esm.install();
  equal(installed, mode !== 'native', 'install()');
  await import('/dist/polyfill.browser.mjs');
  equal(typeof Atomics.waitAsync, 'function', 'typeof Atomics.waitAsync');
  if (mode !== 'native') equal(Atomics.waitAsync, esm.shim.waitAsync, 'the shim');
});

test('the <script> build loads without throwing and shares the engine', async () => {
  const errors = [];
  const onerror = (e) => errors.push(e.message);
  self.addEventListener('error', onerror);
  await loadScript('/dist/atomics-wait-async.min.js');
  self.removeEventListener('error', onerror);
  equal(errors.length, 0, `errors while loading: ${errors.join('; ')}`);
  assert(self.AtomicsWaitAsync, 'globalThis.AtomicsWaitAsync');
  equal(self.AtomicsWaitAsync.shim, esm.shim, 'one engine for both builds');
  equal(self.AtomicsWaitAsync.isSharedArrayBuffer(new ArrayBuffer(4)), false, 'isSharedArrayBuffer');
});

test('non-shared memory: waitAsync throws TypeError, notify returns 0', () => {
  const i32 = new Int32Array(4);
  throws(() => Atomics.waitAsync(i32, 0, 0), (e) => equal(e.constructor, TypeError, 'error'), 'Atomics.waitAsync');
  throws(() => esm.waitAsync(i32, 0, 0), (e) => equal(e.constructor, TypeError, 'error'), 'ponyfill waitAsync');
  equal(Atomics.notify(i32, 0), 0, 'Atomics.notify');
  equal(esm.notify(i32, 0), 0, 'ponyfill notify');
});

await run('no-coi');

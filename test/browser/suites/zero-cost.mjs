// Where the engine has its own Atomics.waitAsync (native mode only), loading the package costs
// nothing at run time: no thread, no SharedArrayBuffer, no blob: URL, and the globals stay the
// engine's own. Counted by wrapping the constructors before the first package code runs (this
// page imports no build statically), then loading every build and using the ponyfill.
import { equal, mode, run, test, within } from '/test/browser/harness.mjs';

const made = { Worker: 0, SharedArrayBuffer: 0, createObjectURL: 0 };
let counting = false;
function countNew(name) {
  const Real = self[name];
  self[name] = new Proxy(Real, {
    construct(target, args, newTarget) {
      if (counting) made[name]++;
      return Reflect.construct(target, args, newTarget === self[name] ? target : newTarget);
    },
  });
}
countNew('Worker');
countNew('SharedArrayBuffer');
const realCreate = URL.createObjectURL;
URL.createObjectURL = function (...args) {
  if (counting) made.createObjectURL++;
  return realCreate.apply(this, args);
};
const own = { waitAsync: Atomics.waitAsync, notify: Atomics.notify };

function expectNothingMade(what) {
  equal(made.Worker, 0, `${what}: Workers started`);
  equal(made.SharedArrayBuffer, 0, `${what}: SharedArrayBuffers allocated`);
  equal(made.createObjectURL, 0, `${what}: blob: URLs made`);
}

test('the engine has its own Atomics.waitAsync (this suite runs in native mode only)', () => {
  equal(mode, 'native', 'mode');
  equal(typeof own.waitAsync, 'function', 'typeof Atomics.waitAsync');
});

test('the polyfill entry, the ponyfill and the <script> build load and start nothing', async () => {
  counting = true;
  await import('/dist/polyfill.browser.mjs');
  const esm = await import('/dist/index.browser.mjs');
  await new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/dist/atomics-wait-async.min.js';
    s.onload = resolve;
    s.onerror = () => reject(new Error('could not load the <script> build'));
    document.head.appendChild(s);
  });
  counting = false;
  expectNothingMade('loading');
  equal(Atomics.waitAsync, own.waitAsync, 'Atomics.waitAsync is the engine\'s own');
  equal(Atomics.notify, own.notify, 'Atomics.notify is the engine\'s own');
  equal(esm.hasNativeWaitAsync, true, 'hasNativeWaitAsync');
  equal(esm.waitAsync, own.waitAsync, 'the ponyfill waitAsync is the native function');
  equal(esm.install(), false, 'install() leaves a native waitAsync alone');
  equal(esm.stats().helpers, 0, 'stats().helpers');
});

test('using the ponyfill (waitAsync, notify, a timeout) on a native engine starts nothing either', async () => {
  const esm = await import('/dist/index.browser.mjs');
  const i32 = new Int32Array(new SharedArrayBuffer(16)); // ours, before counting
  counting = true;
  const r = esm.waitAsync(i32, 0, 0);
  equal(r.async, true, 'waitAsync(…).async');
  equal(esm.notify(i32, 0), 1, 'notify returns the native count');
  equal(await within(r.value, 10000, 'the woken promise'), 'ok', 'woken');
  const t = esm.waitAsync(i32, 1, 0, 5);
  equal(await within(t.value, 10000, 'the 5 ms wait'), 'timed-out', 'timed out');
  equal(esm.waitAsync(i32, 0, 1).value, 'not-equal', 'not-equal');
  counting = false;
  expectNothingMade('using the ponyfill');
  equal(esm.stats().helpers, 0, 'stats().helpers');
});

test('the <script> build in a dedicated worker on a native engine starts nothing there', async () => {
  const src = `
    const made = { Worker: 0, SharedArrayBuffer: 0 };
    for (const name of ['Worker', 'SharedArrayBuffer']) {
      const Real = self[name];
      if (typeof Real !== 'function') continue;
      self[name] = new Proxy(Real, { construct(t, a, n) { made[name]++; return Reflect.construct(t, a, n === self[name] ? t : n); } });
    }
    const own = Atomics.waitAsync;
    importScripts(${JSON.stringify(new URL('/dist/atomics-wait-async.min.js', location.href).href)});
    postMessage({ made, same: Atomics.waitAsync === own, helpers: self.AtomicsWaitAsync.stats().helpers });`;
  const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
  try {
    const m = await within(new Promise((resolve, reject) => {
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => { e.preventDefault(); reject(new Error('worker error: ' + e.message)); };
    }), 20000, 'the worker\'s report');
    equal(m.made.Worker, 0, 'Workers started in the worker');
    equal(m.made.SharedArrayBuffer, 0, 'SharedArrayBuffers allocated in the worker');
    equal(m.same, true, 'the worker\'s Atomics.waitAsync is its own');
    equal(m.helpers, 0, 'stats().helpers in the worker');
  } finally {
    w.terminate();
  }
});

await run('zero-cost');

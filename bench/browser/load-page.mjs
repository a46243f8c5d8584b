// What loading the package costs a page whose engine has its own Atomics.waitAsync: the time from
// starting an import of the ESM build (what `import 'atomics-wait-async/polyfill'` evaluates) and
// install() to its end, and the same for the <script> build, each against an empty module or
// script fetched from the same server (the difference is parsing and evaluating the package).
// Each round uses a fresh URL (a new module record) and first drops the package's realm-wide
// instance, so every round evaluates it all. Rounds alternate package and baseline. Then the
// same without the network: the fetched text evaluated (the ESM build from a blob: URL, the
// <script> build by indirect eval), which is the time the page's own thread spends.
const q = new URLSearchParams(location.search);
const ROUNDS = Number(q.get('rounds') || 40);
const KEY = Symbol.for('atomics-wait-async');

function script(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error('could not load ' + src));
    document.head.appendChild(s);
  });
}
async function time(f) {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const out = { esm: [], esmBase: [], iife: [], iifeBase: [], esmEval: [], iifeEval: [], nativeBefore: typeof Atomics.waitAsync === 'function' };
const own = Atomics.waitAsync;
try {
  for (let i = 0; i < ROUNDS; i++) {
    delete globalThis[KEY];
    out.esm.push(await time(async () => (await import(`/dist/index.browser.mjs?r=${i}`)).install()));
    out.esmBase.push(await time(() => import(`/bench/browser/empty.mjs?r=${i}`)));
    delete globalThis[KEY];
    out.iife.push(await time(() => script(`/dist/atomics-wait-async.min.js?r=${i}`)));
    out.iifeBase.push(await time(() => script(`/bench/browser/empty.js?r=${i}`)));
  }
  const esmText = await (await fetch('/dist/index.browser.mjs')).text();
  const iifeText = await (await fetch('/dist/atomics-wait-async.min.js')).text();
  for (let i = 0; i < ROUNDS; i++) {
    delete globalThis[KEY];
    const url = URL.createObjectURL(new Blob([esmText + `\n// ${i}`], { type: 'text/javascript' }));
    out.esmEval.push(await time(async () => (await import(url)).install()));
    URL.revokeObjectURL(url);
    delete globalThis[KEY];
    const text = iifeText + `\n// ${i}`;
    out.iifeEval.push(await time(() => (0, eval)(text)));
  }
  out.untouched = Atomics.waitAsync === own;
} catch (e) {
  out.error = String(e && e.stack || e);
}
out.userAgent = navigator.userAgent;
fetch('/__report/' + q.get('session'), { method: 'POST', body: JSON.stringify(out) })
  .then((r) => r.json()).then((r) => { if (r.next) location.href = r.next; });

// The differential suite's generated tuples (same seed, same recipes as test/node/
// differential.test.mjs) in a browser: through the page's Atomics.waitAsync/notify (the ponyfill:
// native where the engine has it, else the shim) and, where that is native, also through the
// package's `shim` export, compared in-page. The observations go out in the report so that the
// matrix can compare engines (Firefox 140's shim against Firefox 153's native SpiderMonkey)
// after both ran. ?seed=, ?tuples= override the defaults.
import { assert, attach, boot, equal, loadBuild, mode, note, params, run, test, within } from '/test/browser/harness.mjs';
import { setOtherRealm } from '/test/node/support/differential-gen.mjs';
import { DEFAULT_SEED, EXPLANATIONS, compare, observeNotify, observeWait, recipes } from '/test/browser/oracle.mjs';

const SEED = params.seed !== undefined ? Number(params.seed) >>> 0 : DEFAULT_SEED;
const TUPLES = Number(params.tuples || 10000);
const MAX_SHOWN = 6;

const lib = await loadBuild('esm');
const page = { waitAsync: lib.waitAsync, notify: lib.notify };
const shim = lib.shim;
const native = lib.hasNativeWaitAsync;

// Another realm for the recipes' realm-* buffers and views: a same-origin iframe (about:blank
// shares the page's origin and cross-origin isolation, so it has SharedArrayBuffer too).
const frame = document.createElement('iframe');
document.body.appendChild(frame);
setOtherRealm(frame.contentWindow);

/** Lets the shim's helpers block before a notify, so the notify also meets a helper (capped). */
async function helperSettled(ms = 300) {
  const end = performance.now() + ms;
  const ready = () => {
    const s = lib.stats();
    return s.armed > 0 && s.blocked >= s.armed;
  };
  while (!ready() && performance.now() < end) await new Promise((r) => setTimeout(r, 1));
}

const observations = { seed: SEED, tuples: TUPLES, native, page: {}, shim: {} };
attach('observations', observations);

test('the engine is what this run claims', () => {
  equal(native, mode === 'native', 'hasNativeWaitAsync');
  equal(boot.hadWaitAsync, mode === 'native', 'the engine had Atomics.waitAsync');
  equal(typeof frame.contentWindow.SharedArrayBuffer, 'function', "the iframe realm's SharedArrayBuffer");
  equal(typeof SharedArrayBuffer.prototype.grow, 'function', 'growable SharedArrayBuffer');
  equal(typeof ArrayBuffer.prototype.resize, 'function', 'resizable ArrayBuffer');
});

for (const fn of ['waitAsync', 'notify']) {
  const title = native
    ? `${fn}: ${TUPLES} generated tuples, native and the shim agree (errors, results, shape, user calls)`
    : `${fn}: ${TUPLES} generated tuples through the shim (observed for the matrix; promises settle as specified)`;
  test(title, async () => {
    const t0 = performance.now();
    const observe = fn === 'waitAsync' ? observeWait : observeNotify;
    const rs = recipes(fn, SEED, TUPLES);
    const mine = [];
    const theirs = [];
    const problems = [];
    for (let n = 0; n < rs.length; n++) {
      const a = await observe(rs[n], page, native ? undefined : helperSettled);
      mine.push(a.key);
      for (const p of a.problems) problems.push(`#${n} ${native ? 'native' : 'shim'}: ${p}`);
      if (native) {
        const b = await observe(rs[n], shim, helperSettled);
        theirs.push(b.key);
        for (const p of b.problems) problems.push(`#${n} shim: ${p}`);
      }
    }
    observations.page[fn] = mine;
    if (native) observations.shim[fn] = theirs;
    const ms = Math.round(performance.now() - t0);
    const classes = {};
    for (const k of mine) {
      const s = k.split('|')[0].replace(/returns [1-9]\d*/, 'returns >0');
      classes[s] = (classes[s] || 0) + 1;
    }
    note(`${fn}: ${JSON.stringify(classes)}; ${ms} ms`);
    const failures = [...problems];
    if (native) {
      const c = compare(fn, SEED, mine, theirs);
      for (const [label, ns] of Object.entries(c.explained)) {
        note(`${fn}: explained (a known SpiderMonkey departure from ECMA-262) ${label}: ` +
          `${ns.length} tuples (#${ns.slice(0, 5).join(' #')}) — ${EXPLANATIONS[label]}`);
      }
      for (const u of c.unexplained) failures.push(`#${u.n} ${u.recipe}\n  native: ${u.a}\n  shim:   ${u.b}`);
    }
    assert(failures.length === 0, `${failures.length} of ${TUPLES} tuples (seed ${SEED}):\n` +
      failures.slice(0, MAX_SHOWN).join('\n'));
    // The generator must reach every class of outcome, as in Node.
    const want = fn === 'waitAsync'
      ? ['throws TypeError', 'throws RangeError', 'throws SyntaxError', 'throws Boom', 'sync not-equal', 'sync timed-out', 'async']
      : ['throws TypeError', 'throws RangeError', 'throws Boom', 'returns 0', 'returns >0'];
    for (const k of want) assert((classes[k] || 0) >= 10, `outcomes "${k}": ${classes[k] || 0}`);
  }, { timeout: 120000 });
}

// The two explained departures of SpiderMonkey, seen directly (test/browser/oracle.mjs EXPLANATIONS).
test('sub-nanosecond timeouts: the shim returns a promise that resolves "timed-out" (DoWait step 9: t > 0)', async () => {
  const i32 = new Int32Array(new SharedArrayBuffer(16));
  const engine = [];
  for (const q of [Number.MIN_VALUE, 1e-9, 5e-7, 9.99e-7, 1e-6]) {
    const r = shim.waitAsync(i32, 0, 0, q);
    equal(r.async, true, `shim.waitAsync(…, ${q}).async`);
    equal(await within(r.value, 10000, `the ${q} ms wait`), 'timed-out', `the ${q} ms wait`);
    if (native) engine.push(`${q}: ${Atomics.waitAsync(i32, 0, 0, q).async ? 'async' : 'sync timed-out'}`);
  }
  if (native) note(`native Atomics.waitAsync with these timeouts: ${engine.join(', ')}`);
});

test("SpiderMonkey's own ToNumber formats a proxy into its TypeError's message (where the traps come from)", () => {
  // A plain script `+x` on a proxy whose @@toPrimitive is not callable, many times: the calls at
  // which the message formatting starts (or stops) running the proxy's ownKeys trap are noted.
  const plus = (x) => +x;
  const switches = [];
  let before = null;
  for (let i = 0; i < 5000; i++) {
    let traps = 0;
    const p = new Proxy({ [Symbol.toPrimitive]: 1 }, { ownKeys(t) { traps++; return Reflect.ownKeys(t); } });
    let error;
    try {
      plus(p);
    } catch (e) {
      error = e;
    }
    assert(error instanceof TypeError, `call ${i}: +proxy threw ${error}`);
    if ((traps > 0) !== before) switches.push(`from call ${i}: ${traps > 0 ? 'traps run' : 'no trap'}`);
    before = traps > 0;
  }
  // Not asserted (an engine matter, it moves with the JIT): when the formatting runs the traps.
  note(`plain script +proxy ×5000, its TypeError message formatting: ${switches.join(', ')}`);
});

await run('oracles');

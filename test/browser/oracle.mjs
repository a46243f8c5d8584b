// The two-oracles comparison: one observation per generated tuple (test/node/support/
// differential-gen.mjs), made the same way in any host, and the rule that judges two sets of them.
// Invariant: only the synchronous half is compared (the error or result, the returned shape and
// async flag, the user-visible call log, and for notify the waiters left afterwards); a promise's
// outcome depends on timing and is checked where it was made, never across engines. A difference
// is explained only where it is a known departure of SpiderMonkey from ECMA-262 and the rest of
// the observation agrees (explain() below, each with its spec step); every other difference fails.
// Used by the page test/browser/suites/oracles.mjs and, in Node, by test/browser/matrix.mjs.
import {
  Boom, Rng, buildNotifyArgs, buildWaitArgs, describe as show, genNotifyRecipe, genWaitRecipe, primOf,
  refToIndex, taLength,
} from '../node/support/differential-gen.mjs';

/** The seeded streams, as the Node suite draws them (test/node/differential.test.mjs). */
export const DEFAULT_SEED = 0x5eed2024;
export function recipes(fn, seed, n) {
  const rng = new Rng(fn === 'waitAsync' ? seed : seed ^ 0x9e3779b9);
  const gen = fn === 'waitAsync' ? genWaitRecipe : genNotifyRecipe;
  const out = [];
  for (let i = 0; i < n; i++) out.push(gen(rng));
  return out;
}

function call(fn, args) {
  try {
    return { threw: false, value: Reflect.apply(fn, Atomics, args) };
  } catch (error) {
    return { threw: true, error };
  }
}

function errorName(error) {
  const ctor = error !== null && typeof error === 'object' ? error.constructor : undefined;
  for (const C of [TypeError, RangeError, SyntaxError, Boom]) if (ctor === C) return C === Boom ? 'Boom' : C.name;
  return `unexpected ${String(ctor && ctor.name)}: ${String(error)}`;
}

/** Problems with a waitAsync result object (must be an ordinary { async, value } data object). */
function shapeProblems(r) {
  const problems = [];
  if (r === null || typeof r !== 'object') return [`not an object: ${String(r)}`];
  if (Object.getPrototypeOf(r) !== Object.prototype) problems.push('prototype is not Object.prototype');
  if (!Object.isExtensible(r)) problems.push('not extensible');
  const keys = Reflect.ownKeys(r);
  if (keys.length !== 2 || keys[0] !== 'async' || keys[1] !== 'value') problems.push(`own keys ${keys.map(String).join(',')}`);
  for (const key of ['async', 'value']) {
    const d = Object.getOwnPropertyDescriptor(r, key);
    if (!d || !('value' in d) || !d.writable || !d.enumerable || !d.configurable) {
      problems.push(`${key} is not a writable/enumerable/configurable data property`);
    }
  }
  if (typeof r.async !== 'boolean') problems.push('async is not a boolean');
  if (r.async) {
    if (!(r.value instanceof Promise) || Object.getPrototypeOf(r.value) !== Promise.prototype) {
      problems.push('async value is not an original %Promise%');
    }
  } else if (r.value !== 'not-equal' && r.value !== 'timed-out') {
    problems.push(`sync value ${String(r.value)}`);
  }
  return problems;
}

function summarizeWait(o) {
  if (o.threw) return `throws ${errorName(o.error)}`;
  const problems = shapeProblems(o.value);
  if (problems.length) return `bad result (${problems.join('; ')})`;
  return o.value.async ? 'async' : `sync ${o.value.value}`;
}

function summarizeNotify(o) {
  if (o.threw) return `throws ${errorName(o.error)}`;
  return typeof o.value === 'number' ? `returns ${Object.is(o.value, -0) ? '-0' : o.value}` : `returns non-number ${String(o.value)}`;
}

function isShared(buffer) {
  try {
    Reflect.apply(Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get, buffer, []);
    return true;
  } catch {
    return false;
  }
}

function notifyAll(notify, buffer) {
  const i32 = new Int32Array(buffer);
  let n = 0;
  for (let j = 0; j < i32.length; j++) n += Reflect.apply(notify, Atomics, [i32, j]);
  return n;
}

/** The number a waitAsync recipe's timeout coerces to (undefined when it throws or is opaque). */
export function timeoutRef(recipe) {
  if (recipe.argc < 4) return NaN; // absent: undefined → NaN → +∞
  const p = primOf(recipe.timeout);
  if (!p.ok || typeof p.prim === 'symbol' || typeof p.prim === 'bigint') return undefined;
  return Number(p.prim);
}

function within(promise, ms) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, ms, `still pending after ${ms} ms`); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * An observation: "summary|call log|length before,after[|left n]", the compared part, and the
 * problems of its asynchronous half (judged here, against what the spec says it must settle to).
 */
export async function observeWait(recipe, { waitAsync, notify }) {
  const log = [];
  const { args, side } = buildWaitArgs(recipe, log);
  const before = side.view ? taLength(side.view) : 0;
  const o = call(waitAsync, args);
  const after = side.view ? taLength(side.view) : 0;
  const s = summarizeWait(o);
  const problems = [];
  if (s === 'async') {
    // Settle it (so no waiter outlives its tuple): a short timeout runs out, a long one is woken.
    const t = timeoutRef(recipe);
    const expected = t !== undefined && t > 0 && t <= 2 ? 'timed-out' : 'ok';
    if (expected === 'ok') {
      const woke = notifyAll(notify, side.buffer);
      if (woke !== 1) problems.push(`the settling notify woke ${woke}`);
    }
    const outcome = await within(o.value.value, 5000);
    if (outcome !== expected) problems.push(`promise: ${outcome}, expected ${expected}`);
  }
  return { key: `${s}|${log.join(',')}|${before},${after}`, problems };
}

export async function observeNotify(recipe, { waitAsync, notify }, beforeNotify) {
  const log = [];
  const { args, side } = buildNotifyArgs(recipe, log);
  const promises = [];
  // Waiters registered before the notify by the same functions, on its address or another one.
  if (recipe.waiters && side.buffer && isShared(side.buffer)) {
    const i32 = new Int32Array(side.buffer);
    let j = recipe.waiters.otherAt;
    if (recipe.waiters.where === 'same') {
      const p = primOf(recipe.index);
      const i = p.ok ? refToIndex(p.prim) : undefined;
      const t = recipe.target;
      const bpe = t.kind === 'ta' ? globalThis[t.ctor].BYTES_PER_ELEMENT : 4;
      const off = t.kind === 'ta' ? t.off * bpe : 0;
      j = i === undefined ? j : Math.floor((off + i * bpe) / 4);
    }
    if (j < i32.length) {
      for (let k = 0; k < recipe.waiters.n; k++) {
        const r = Reflect.apply(waitAsync, Atomics, [i32, j, Atomics.load(i32, j)]);
        if (!r || r.async !== true) return { key: 'waiter registration did not return async: true', problems: ['waiter registration'] };
        promises.push(r.value);
      }
    }
  }
  if (promises.length && beforeNotify) await beforeNotify();
  const before = side.view ? taLength(side.view) : 0;
  const o = call(notify, args);
  const after = side.view ? taLength(side.view) : 0;
  let key = `${summarizeNotify(o)}|${log.join(',')}|${before},${after}`;
  const problems = [];
  if (promises.length) {
    key += `|left ${notifyAll(notify, side.buffer)}`;
    const outcomes = await Promise.all(promises.map((p) => within(p, 5000)));
    if (outcomes.some((x) => x !== 'ok')) problems.push(`waiter outcomes ${outcomes.join(',')}`);
  }
  return { key, problems };
}

function parse(key) {
  const [s, log, lens, left] = key.split('|');
  const [before, after] = (lens || '0,0').split(',').map(Number);
  return { s, log, before, after, left };
}

/** The recipe objects whose ToPrimitive throws a TypeError (which SpiderMonkey then formats). */
const TO_PRIMITIVE_THROWS = new Set(['noPrimitive', 'toPrimitiveObject', 'toPrimitiveNotCallable']);
/** The proxy traps SpiderMonkey's ValueToSource runs to print an object into an error message. */
const SOURCE_TRAP = /^\[\[(ownKeys\]\]|getOwnPropertyDescriptor\]\]\(.*\)|get\]\]\(toSource\))$/;

/** Splits a call log into [the log before SpiderMonkey's message-formatting traps, that tail, its role]. */
function sourceTail(log) {
  const entries = log.split(',').filter(Boolean);
  let k = entries.length;
  const role = k ? entries[k - 1].slice(0, entries[k - 1].indexOf('.')) : '';
  while (k > 0 && entries[k - 1].startsWith(`${role}.`) && SOURCE_TRAP.test(entries[k - 1].slice(role.length + 1))) k--;
  const tail = entries.slice(k);
  return tail.some((e) => e.endsWith('.[[ownKeys]]'))
    ? [entries.slice(0, k).join(','), tail.join(','), role]
    : [log, '', ''];
}

/**
 * Why SpiderMonkey's observation `a` may differ from the shim's `b` for this recipe: a label of
 * EXPLANATIONS (the ECMA-262 step that decides it) when the two differ in exactly that known way
 * and agree in everything else; else undefined.
 */
export function explain(fn, recipe, a, b) {
  if (a.before !== b.before || a.after !== b.after || a.left !== b.left) return undefined;
  // SpiderMonkey writes the object's source into the message of a TypeError that ToPrimitive
  // throws; for a proxy that runs its ownKeys/getOwnPropertyDescriptor traps (Firefox 140: also a
  // get of toSource) after the throw point. The shim's own ToNumber (unary plus) meets the same
  // formatting once the JIT has compiled it, so either side may carry that tail: compare without it.
  if (a.s === 'throws TypeError' && b.s === 'throws TypeError') {
    const [logA, tailA, roleA] = sourceTail(a.log);
    const [logB, tailB, roleB] = sourceTail(b.log);
    const role = roleA || roleB;
    const spec = role && recipe[role];
    if ((tailA || tailB) && logA === logB && (!roleA || !roleB || roleA === roleB) && spec && spec.obj &&
        spec.obj.proxy && TO_PRIMITIVE_THROWS.has(spec.obj.how)) {
      return 'error-message-source';
    }
  }
  // 0 < t < 1 ns: SpiderMonkey rounds the timeout to whole nanoseconds, so it is 0 there.
  if (fn === 'waitAsync' && a.s === 'sync timed-out' && b.s === 'async' && a.log === b.log) {
    const t = timeoutRef(recipe);
    if (t > 0 && t < 1e-6) return 'sub-nanosecond-timeout';
  }
  return undefined;
}

/** Each label explain() can return: what SpiderMonkey does, and the ECMA-262 text the shim follows. */
export const EXPLANATIONS = {
  'error-message-source': 'SpiderMonkey builds the message of the TypeError thrown inside ToPrimitive ' +
    '(GetMethod step 3 "If IsCallable(func) is false, throw a TypeError", ToPrimitive step 1.b.vi and ' +
    'OrdinaryToPrimitive step 4 both "Throw a TypeError exception") from the object\'s source text, which ' +
    'runs a proxy\'s ownKeys and getOwnPropertyDescriptor traps (Firefox 140 also gets toSource) after ' +
    'the throw point; ECMA-262 performs no further operation on the object. The shim\'s ToNumber is the ' +
    'engine\'s unary plus, so once SpiderMonkey\'s JIT has compiled it the shim carries the same tail',
  'sub-nanosecond-timeout': 'DoWait step 9: t = max(ℝ(q), 0), so 0 < q < 10^-6 ms gives t > 0, and only ' +
    '"If t = 0 and mode is async" returns { async: false, value: "timed-out" }; SpiderMonkey keeps whole ' +
    'nanoseconds (1e-6 ms is the least asynchronous timeout there), so it answers synchronously',
};

/**
 * Compares two observation lists of one function, tuple by tuple: `a` from SpiderMonkey's native
 * functions (or the shim on another engine), `b` from the shim. `allow`: the explain() labels that
 * may excuse a difference (all by default).
 */
export function compare(fn, seed, a, b, { allow = Object.keys(EXPLANATIONS) } = {}) {
  const rs = recipes(fn, seed, Math.max(a.length, b.length));
  const out = { tuples: rs.length, same: 0, explained: {}, unexplained: [] };
  for (let n = 0; n < rs.length; n++) {
    if (a[n] === b[n]) {
      out.same++;
      continue;
    }
    const label = a[n] !== undefined && b[n] !== undefined ? explain(fn, rs[n], parse(a[n]), parse(b[n])) : undefined;
    if (label && allow.includes(label)) (out.explained[label] ||= []).push(n);
    else out.unexplained.push({ n, recipe: show(rs[n]), a: a[n], b: b[n] });
  }
  return out;
}

/**
 * The matrix's rows for the two oracles, once Firefox 140 (the shim: it has no native waitAsync)
 * and Firefox 153 (native) have both reported their oracles pages: Firefox 140's shim against
 * Firefox 153's native SpiderMonkey (explained differences allowed, each listed), and the shim on
 * the two engines (Firefox 140's page against Firefox 153's in-page shim export). Each row counts
 * as one test. `targets`: the matrix's browser targets, with `observations[mode]` from reports.
 */
export function oracleRows(targets) {
  const old = targets.find((t) => t.id === 'firefox-140');
  const neu = targets.find((t) => t.id === 'firefox-153');
  if (!old || !neu || !old.present || !neu.present) return [];
  const a = neu.observations && neu.observations.native;
  const b = old.observations && old.observations.shim;
  const pairs = [
    { label: `two oracles: ${old.label} shim vs ${neu.label} native`, x: a && a.page, y: b && b.page },
    // The same shim code on two engines: only the engines' own message formatting may differ.
    { label: `the shim on two engines: ${old.label} vs ${neu.label}`, x: a && a.shim, y: b && b.page, allow: ['error-message-source'] },
  ];
  return pairs.map(({ label, x, y, allow }) => {
    const row = { engine: 'oracles', label, mode: 'diff', passed: 0, failed: 0, skipped: 0, failures: [], expected: [], notes: [], explained: [], pages: 0, ms: 0 };
    if (!a || !b || a.seed !== b.seed || a.tuples !== b.tuples) {
      row.failed = 1;
      row.failures.push(!a || !b
        ? `no observations from ${!a ? neu.label + ' native' : old.label + ' shim'} (its oracles page failed to report?)`
        : `different tuples: seed ${a.seed} × ${a.tuples} vs seed ${b.seed} × ${b.tuples}`);
      return row;
    }
    let bad = 0;
    const counts = [];
    const byLabel = {};
    for (const fn of ['waitAsync', 'notify']) {
      if (!x[fn] || !y[fn]) {
        bad++;
        row.failures.push(`${fn}: observations missing`);
        continue;
      }
      const c = compare(fn, a.seed, x[fn], y[fn], allow && { allow });
      counts.push(`${fn} ${c.same}/${c.tuples} identical`);
      for (const [lab, ns] of Object.entries(c.explained)) {
        (byLabel[lab] ||= []).push(`${fn} ${ns.length} (#${ns.slice(0, 4).join(' #')}${ns.length > 4 ? ' …' : ''})`);
      }
      bad += c.unexplained.length;
      for (const u of c.unexplained.slice(0, 6)) {
        row.failures.push(`${fn} #${u.n} ${u.recipe}\n      ${neu.label}: ${u.a}\n      ${old.label}: ${u.b}`);
      }
      if (c.unexplained.length > 6) row.failures.push(`${fn}: ${c.unexplained.length - 6} more unexplained differences`);
    }
    for (const [lab, where] of Object.entries(byLabel)) row.explained.push(`${lab}: ${where.join(', ')}: ${EXPLANATIONS[lab]}`);
    row.label += ` (seed ${a.seed}: ${counts.join(', ')})`;
    if (bad) row.failed = 1;
    else row.passed = 1;
    return row;
  });
}

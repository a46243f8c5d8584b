// One run of every browser workload in one mode, posted as raw samples to the runner's server
// (which answers with the next page). Query: mode=native|shim, del=0|1, rounds, warm, one (sizes of
// the one-address scale, comma-separated), addr (address counts), session, steps (which steps to
// run: names given to step() in main(); default all), run (its parity flips the order of the
// calls' conditions); for A/B runs of two builds: dist (the folder of index.browser.mjs, default /dist).
// Times are µs from performance.now() (Chromium isolated: 5 µs steps; Firefox with
// privacy.reduceTimerPrecision off: 1 µs).
import { callDurations, timerStepUs } from '../lib/calls.mjs';

const q = Object.fromEntries(new URLSearchParams(location.search));
const mode = q.mode || 'shim';
const del = q.del === '1';
const rounds = Number(q.rounds) || 300;
const warm = Number(q.warm) || 50;
const oneSizes = (q.one || '1000,10000,100000').split(',').filter(Boolean).map(Number);
const addrSizes = (q.addr || '10,100').split(',').filter(Boolean).map(Number);
const PING = 0;
const PONG = 1;
const STOP = 2;

const pkg = await import(`${/^\/[\w./-]*$/.test(q.dist || '') ? q.dist : '/dist'}/index.browser.mjs`);
const steps = q.steps ? q.steps.split(',') : null;
const { waitAsync, notify } = mode === 'shim'
  ? { waitAsync: pkg.waitAsync, notify: pkg.notify }
  : { waitAsync: Atomics.waitAsync, notify: Atomics.notify };
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function post(path, body) {
  return fetch(`${path}/${q.session}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
}
function log(line) {
  post('/__log', String(line)).catch(() => {});
}

/** A bench worker (agent.mjs) started and ready; `role` starts it playing. */
async function agent(role, args = {}) {
  const w = new Worker(`/bench/browser/agent.mjs?del=${del ? 1 : 0}`, { type: 'module' });
  const queue = [];
  let waiter = null;
  w.onmessage = (e) => {
    if (waiter) {
      const f = waiter;
      waiter = null;
      f(e.data);
    } else queue.push(e.data);
  };
  w.onerror = (e) => {
    e.preventDefault?.();
    queue.push({ error: e.message || 'worker error' });
    if (waiter) waiter(queue.shift());
  };
  const next = () => new Promise((resolve, reject) => {
    const take = (m) => (m && m.error ? reject(new Error(`${role} worker: ${m.error}`)) : resolve(m));
    if (queue.length) take(queue.shift());
    else waiter = take;
  });
  const ready = await next();
  w.postMessage({ role, mode, ...args });
  await next(); // started
  return { w, next, ready };
}

// ---- workloads ----------------------------------------------------------------------------------

async function forward(m) {
  const sab = new SharedArrayBuffer(64);
  const ctl = new Int32Array(sab);
  const pong = await agent('pong', { sab, mode: m === 'floor' ? 'native' : mode });
  const helper = m === 'floor' ? await agent('helper-floor', { sab, mode: 'native' }) : null;
  const rtt = [];
  let lost = 0;
  let spurious = 0;
  for (let i = 0; i < warm + rounds; i++) {
    const seq = i + 1;
    let t1 = 0;
    const arm = () => {
      if (helper) return helper.next().then(() => { t1 = now(); });
      const r = waitAsync(ctl, PONG, seq - 1);
      if (!r.async) throw new Error(`forward round ${i}: waitAsync returned ${r.value} (PONG ${Atomics.load(ctl, PONG)})`);
      return r.value.then((v) => { t1 = now(); if (v !== 'ok') lost++; });
    };
    let settled = arm();
    const t0 = now();
    Atomics.store(ctl, PING, seq);
    (m === 'floor' ? Atomics.notify : notify)(ctl, PING);
    await settled;
    // Settled with PONG unchanged: a spurious wake. Re-check and wait again, as correct code does.
    while (Atomics.load(ctl, PONG) === seq - 1) {
      spurious++;
      settled = arm();
      await settled;
    }
    if (i >= warm) rtt.push((t1 - t0) * 1000);
  }
  Atomics.store(ctl, STOP, 1);
  Atomics.store(ctl, PING, -1);
  Atomics.notify(ctl, PING);
  Atomics.store(ctl, PONG, -1);
  Atomics.notify(ctl, PONG);
  pong.w.terminate();
  helper?.w.terminate();
  return { rtt, lost, spurious };
}

async function reverse() {
  const sab = new SharedArrayBuffer(64);
  const a = await agent('async', { sab });
  const d = await agent('driver', { sab, rounds, warm });
  const r = await d.next();
  const done = await a.next();
  a.w.terminate();
  d.w.terminate();
  return { ...r, spurious: r.spurious + done.spurious };
}

async function postMessageFloor() {
  const e = await agent('echo');
  const rtt = [];
  for (let i = 0; i < warm + rounds; i++) {
    const t0 = now();
    e.w.postMessage(i);
    await e.next();
    const t1 = now();
    if (i >= warm) rtt.push((t1 - t0) * 1000);
  }
  e.w.terminate();
  return rtt;
}

async function sameAgent() {
  const ia = new Int32Array(new SharedArrayBuffer(16));
  const settle = [];
  for (let i = 0; i < warm + rounds; i++) {
    let t1 = 0;
    const r = waitAsync(ia, 0, 0);
    const p = r.value.then(() => { t1 = now(); });
    const t0 = now();
    if (notify(ia, 0, 1) !== 1) throw new Error('same-agent notify did not wake 1');
    await p;
    if (i >= warm) settle.push((t1 - t0) * 1000);
  }
  // Whole cycles (waitAsync + notify + await), timed in batches of 20: µs per cycle, finer than
  // the timer's steps.
  const cycle = [];
  for (let b = 0; b < rounds / 20; b++) {
    const t0 = now();
    for (let k = 0; k < 20; k++) {
      const r = waitAsync(ia, 0, 0);
      notify(ia, 0, 1);
      await r.value;
    }
    cycle.push((now() - t0) * 1000 / 20);
  }
  return { settle, cycle };
}

const SYNC_PATHS = {
  'not-equal': 'let k = 0; for (let i = 0; i < n; i++) if (wa(ia, 0, 1).value === "not-equal") k++; return k;',
  'timed-out': 'let k = 0; for (let i = 0; i < n; i++) if (wa(ia, 0, 0, 0).value === "timed-out") k++; return k;',
  'TypeError-unshared': 'let k = 0; for (let i = 0; i < n; i++) { try { wa(plain, 0, 0); } catch (e) { if (e instanceof TypeError) k++; } } return k;',
  'TypeError-type': 'let k = 0; for (let i = 0; i < n; i++) { try { wa(f64, 0, 0); } catch (e) { if (e instanceof TypeError) k++; } } return k;',
};

/** ns per call, one sample per batch of 1000 calls (timer steps of 5 µs are 5 ns per call). */
function syncPaths(batches = 40, per = 1000) {
  const ia = new Int32Array(new SharedArrayBuffer(16));
  const plain = new Int32Array(4);
  const f64 = new Float64Array(new SharedArrayBuffer(32));
  const out = {};
  for (const [name, body] of Object.entries(SYNC_PATHS)) {
    const loop = new Function('wa', 'ia', 'plain', 'f64', 'n', body);
    for (let i = 0; i < 10; i++) loop(waitAsync, ia, plain, f64, per);
    const ns = [];
    for (let b = 0; b < batches; b++) {
      const t0 = now();
      const k = loop(waitAsync, ia, plain, f64, per);
      const t1 = now();
      if (k !== per) throw new Error(`sync ${name}: ${k}/${per}`);
      ns.push((t1 - t0) * 1e6 / per);
    }
    out[name] = ns;
  }
  return out;
}

async function timeouts(seq = 15, conc = 100) {
  const ia = new Int32Array(new SharedArrayBuffer(16));
  const late = [];
  let wrong = 0;
  for (let i = 0; i < seq; i++) {
    const t0 = now();
    const v = await waitAsync(ia, 0, 0, 3).value;
    late.push(now() - (t0 + 3));
    if (v !== 'timed-out') wrong++;
  }
  const batch = [];
  for (let i = 0; i < conc; i++) {
    const t = 1 + ((i * 7) % 40);
    const t0 = now();
    batch.push(waitAsync(ia, 1, 0, t).value.then((v) => {
      late.push(now() - (t0 + t));
      if (v !== 'timed-out') wrong++;
    }));
  }
  await Promise.all(batch);
  // Reference: a plain chain of setTimeout(3) on this page (what any timer-based deadline pays).
  const timerLate = [];
  for (let i = 0; i < seq; i++) {
    const t0 = now();
    await new Promise((r) => setTimeout(r, 3));
    timerLate.push(now() - (t0 + 3));
  }
  return { late, wrong, timerLate };
}

/** perAddress waiters on each of `addresses` addresses; armed; one store-then-notify-all each from a worker. */
async function scale(addresses, perAddress) {
  const STRIDE = 16;
  const total = addresses * perAddress;
  if (mode === 'shim' && addresses > 500) pkg.configure({ maxHelpers: addresses + 16 });
  const data = new SharedArrayBuffer(addresses * STRIDE * 4);
  const view = new Int32Array(data);
  const ctlSab = new SharedArrayBuffer(64);
  const ctl = new Int32Array(ctlSab);
  const indexes = Array.from({ length: addresses }, (_, i) => i * STRIDE);
  const n = await agent('notifier', { sab: ctlSab, data, indexes });
  pkg.uninstall(); // ends every helper thread: each scale step starts cold, as in a fresh page
  const before = pkg.stats().helpers;
  let settled = 0;
  let notOk = 0;
  let tLast = 0;
  let allSettled;
  const all = new Promise((r) => { allSettled = r; });
  const onSettle = (v) => {
    if (v !== 'ok') notOk++;
    if (++settled === total) {
      tLast = now();
      allSettled();
    }
  };
  const t0 = now();
  for (const i of indexes) {
    for (let k = 0; k < perAddress; k++) {
      const r = waitAsync(view, i, 0);
      if (!r.async) throw new Error('scale: waitAsync returned ' + r.value);
      r.value.then(onSettle);
    }
  }
  const t1 = now();
  let helpersMax = pkg.stats().helpers;
  if (mode === 'shim') {
    for (const deadline = now() + 60000; ;) {
      const s = pkg.stats();
      if (s.helpers > helpersMax) helpersMax = s.helpers;
      if (s.blocked >= addresses) break;
      if (now() > deadline) throw new Error(`scale: only ${s.blocked}/${addresses} helpers blocked after 60 s`);
      await sleep(1);
    }
  }
  const t2 = now();
  const tGo = now();
  Atomics.store(ctl, PING, 1);
  Atomics.notify(ctl, PING);
  await all;
  const done = await n.next();
  n.w.terminate();
  const s = pkg.stats();
  if (s.helpers > helpersMax) helpersMax = s.helpers;
  return {
    addresses, perAddress, waiters: total, createMs: t1 - t0, armMs: t2 - t0, settleMs: tLast - tGo,
    helpersBefore: before, helpersMax, notifyReturned: done.woken, notOk,
  };
}

// ---- run ------------------------------------------------------------------------------------------

async function main() {
  const out = {
    mode, del, boot: self.__boot, userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated,
    packageNative: pkg.hasNativeWaitAsync, results: {}, errors: [],
  };
  if (mode === 'shim' && pkg.hasNativeWaitAsync) throw new Error('shim mode, but a native waitAsync is present');
  if (mode === 'native' && typeof Atomics.waitAsync !== 'function') throw new Error('native mode without Atomics.waitAsync');
  const R = out.results;
  const step = async (name, fn) => {
    if (steps && !steps.includes(name)) return;
    const t0 = now();
    let timer;
    try {
      R[name] = await Promise.race([fn(), new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no result within 60 s')), 60000);
      })]);
    } catch (e) {
      out.errors.push(`${name}: ${e && e.message || e}`);
    }
    clearTimeout(timer);
    log(`${mode} ${name} ${((now() - t0) / 1000).toFixed(1)} s`);
  };
  await step('postMessage', postMessageFloor);
  await step('forward', () => forward(mode));
  await step('forwardFloor', () => forward('floor'));
  await step('reverse', reverse);
  await step('sameAgent', sameAgent);
  await step('calls', async () => {
    const out = { timerStepUs: timerStepUs(now) };
    const spawn = async (role, args) => (await agent(role, args)).w;
    for (const cond of Number(q.run) % 2 ? ['busy', 'idle'] : ['idle', 'busy']) {
      out[cond] = await callDurations({ waitAsync, notify, now, spawn, busy: cond === 'busy', rounds, warm, bursts: Math.max(5, rounds / 25) });
    }
    return out;
  });
  await step('sync', () => syncPaths());
  await step('timeouts', () => timeouts());
  await step('scaleOne', async () => {
    const r = [];
    for (const n of oneSizes) r.push(await scale(1, n));
    return r;
  });
  await step('scaleAddresses', async () => {
    const r = [];
    for (const a of addrSizes) r.push(await scale(a, 10));
    return r;
  });
  out.statsAtEnd = (({ helpers, armed, blocked, pending }) => ({ helpers, armed, blocked, pending }))(pkg.stats());
  return out;
}

let body;
try {
  body = await main();
} catch (e) {
  body = { mode, error: String(e && e.stack || e), userAgent: navigator.userAgent };
}
let next = null;
for (let i = 0; i < 5; i++) {
  try {
    next = (await (await post('/__report', body)).json()).next;
    break;
  } catch { /* retry */ }
}
if (next) location.href = next;

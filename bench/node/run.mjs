// `npm run bench`: the shim side by side with Node's native Atomics.waitAsync, in one run.
//
// Native and shim are measured in the same process (shim = this package's `shim.waitAsync` /
// `shim.notify`, which never touch the native waitAsync), on separate buffers, interleaved chunk by
// chunk (the order flips every run), repeated --runs times; each run gives a median and a p99 and
// the report takes the median across runs. Scale workloads run in fresh child processes
// (bench/node/scale.mjs, --expose-gc) so memory deltas start from a clean heap.
//
// Options: --runs=<n> (default 5), --quick (short rounds and small sizes, for development),
//   --only=<workload,...> (pingpong, same-agent, sync, timeouts, mutex, calls, scale-one, scale-addresses),
//   --addresses=<n,...> (distinct-address steps; default 10,100,1000 — 1,000 Node helper threads
//   take about a minute to start here and ~7 GB of RSS), --out=<file> (default
//   bench/results/node.json; the calls workload goes to calls.json next to it), --no-report.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { shim, stats } from '../../dist/index.mjs';
import { PING, PONG, STOP, TS_PING, TS_PONG } from './agent.mjs';
import { seriesOf } from '../lib/stats.mjs';
import { parseArgs } from '../lib/args.mjs';
import { callDurations, poolCalls, timerStepUs } from '../lib/calls.mjs';
import { saveCalls, writeJson } from '../lib/results.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BENCH = path.resolve(HERE, '..');
const AGENT = new URL('./agent.mjs', import.meta.url);

const opts = parseArgs(process.argv.slice(2), { runs: 5, out: path.join(BENCH, 'results/node.json') }, {
  addresses: (v) => v.split(',').map(Number),
});
const want = (w) => !opts.only || opts.only.has(w);
const P = opts.quick
  ? { rounds: 300, warm: 50, syncBatches: 40, seqTimeouts: 10, concTimeouts: 50, mutexSizes: [1, 8, 64], mutexAcq: 512, callRounds: 200, bursts: 5, one: [1000, 10000], oneRuns: 1, addr: [10], addrRuns: { 10: 1 } }
  : { rounds: 2000, warm: 200, syncBatches: 200, seqTimeouts: 30, concTimeouts: 100, mutexSizes: [1, 8, 64], mutexAcq: 4096, callRounds: 1000, bursts: 40, one: [1000, 10000, 100000], oneRuns: 5, addr: [10, 100, 1000], addrRuns: { 10: 3, 100: 2, 1000: 1 } };
/** Async-mutex workload: wait timeout (a wait this long counts as lost), the worker's hold and gap. */
const MUTEX = { lostMs: 500, holdUs: 2, gapMs: 0.02 };
P.runs = opts.runs;
if (opts.addresses) {
  P.addr = opts.addresses;
  for (const a of P.addr) P.addrRuns[a] ??= a >= 1000 ? 1 : a >= 100 ? 2 : 3;
}

const hr = () => process.hrtime.bigint();
const us = (a, b) => Number(b - a) / 1000;
const log = (...a) => console.log(...a);
const fns = (mode) => (mode === 'shim'
  ? { waitAsync: shim.waitAsync, notify: shim.notify }
  : { waitAsync: Atomics.waitAsync, notify: Atomics.notify });
/** Native first on even runs, shim first on odd ones. */
const order = (run, modes) => (run % 2 ? modes.slice().reverse() : modes);

function startAgent(workerData) {
  const w = new Worker(AGENT, { workerData });
  const ready = new Promise((resolve, reject) => {
    const onMsg = (m) => {
      if (m && m.ready) {
        w.off('message', onMsg);
        resolve();
      }
    };
    w.on('message', onMsg);
    w.once('error', reject);
  });
  return { w, ready };
}

function nextMessage(w, pred = () => true) {
  return new Promise((resolve, reject) => {
    const onMsg = (m) => {
      if (!pred(m)) return;
      w.off('message', onMsg);
      w.off('error', onErr);
      resolve(m);
    };
    const onErr = (e) => {
      w.off('message', onMsg);
      reject(e);
    };
    w.on('message', onMsg);
    w.once('error', onErr);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- 1. cross-agent ping-pong -------------------------------------------------------------------

/**
 * Forward: the main thread async-waits on PONG, wakes the worker (blocked in Atomics.wait on PING)
 * with store+notify; the worker stores PONG and notifies. Round trip = ping → main's promise settled;
 * one-way = the worker's notify → main's promise settled (process.hrtime, shared by all threads).
 * mode 'floor': no waitAsync at all; a second worker (a hand-rolled helper) blocks on PONG and
 * tells the main thread by postMessage.
 */
async function forward(mode, rounds, warm) {
  const sab = new SharedArrayBuffer(64);
  const ctl = new Int32Array(sab);
  const ts = new BigInt64Array(sab);
  const { waitAsync, notify } = fns(mode === 'floor' ? 'native' : mode);
  const pong = startAgent({ role: 'pong', mode: mode === 'floor' ? 'native' : mode, sab });
  const helper = mode === 'floor' ? startAgent({ role: 'helper-floor', mode: 'native', sab }) : null;
  await pong.ready;
  if (helper) await helper.ready;
  const rtt = [];
  const oneWay = [];
  let lost = 0;
  let spurious = 0;
  for (let i = 0; i < warm + rounds; i++) {
    const seq = i + 1;
    let t1 = 0n;
    const arm = () => {
      if (helper) return nextMessage(helper.w).then(() => { t1 = hr(); });
      const r = waitAsync(ctl, PONG, seq - 1);
      if (!r.async) throw new Error(`forward ${mode} round ${i}: waitAsync returned ${r.value} (PONG ${Atomics.load(ctl, PONG)})`);
      return r.value.then((v) => { t1 = hr(); if (v !== 'ok') lost++; });
    };
    let settled = arm();
    const t0 = hr();
    Atomics.store(ctl, PING, seq);
    notify(ctl, PING);
    await settled;
    // Settled with PONG unchanged: a spurious wake. Re-check and wait again, as correct code does.
    while (Atomics.load(ctl, PONG) === seq - 1) {
      spurious++;
      settled = arm();
      await settled;
    }
    if (i >= warm) {
      rtt.push(us(t0, t1));
      oneWay.push(us(ts[TS_PONG], t1));
    }
  }
  Atomics.store(ctl, STOP, 1);
  Atomics.store(ctl, PING, -1);
  Atomics.notify(ctl, PING);
  Atomics.store(ctl, PONG, -1);
  Atomics.notify(ctl, PONG);
  await Promise.all([pong.w.terminate(), helper?.w.terminate()]);
  return { rtt, oneWay, lost, spurious };
}

/**
 * Reverse: the worker async-waits on PING (the mode's waitAsync); the main thread stores+notifies
 * PING and blocks in Atomics.wait on PONG until the worker answers. One-way = main's notify → the
 * worker's promise settled.
 */
async function reverse(mode, rounds, warm) {
  const sab = new SharedArrayBuffer(64);
  const ctl = new Int32Array(sab);
  const ts = new BigInt64Array(sab);
  const { notify } = fns(mode);
  const a = startAgent({ role: 'async', mode, sab });
  await a.ready;
  const done = nextMessage(a.w, (m) => m && m.done);
  const rtt = [];
  let lost = 0;
  let spuriousHere = 0;
  for (let i = 0; i < warm + rounds; i++) {
    const seq = i + 1;
    const t0 = hr();
    ts[TS_PING] = t0;
    Atomics.store(ctl, PING, seq);
    notify(ctl, PING);
    for (;;) {
      const r = Atomics.wait(ctl, PONG, seq - 1, 10000);
      if (r === 'timed-out') lost++;
      if (Atomics.load(ctl, PONG) !== seq - 1 || r === 'timed-out') break;
      spuriousHere++; // woken with PONG unchanged (a notify meant for an earlier round)
    }
    const t1 = hr();
    if (i >= warm) rtt.push(us(t0, t1));
  }
  Atomics.store(ctl, STOP, 1);
  Atomics.store(ctl, PING, -1);
  notify(ctl, PING);
  const { oneWay, spurious } = await done;
  await a.w.terminate();
  return { rtt, oneWay: oneWay.slice(warm), lost, spurious: spurious + spuriousHere };
}

/** postMessage round trip main ↔ worker: the floor under any helper that reports by message. */
async function postMessageFloor(rounds, warm) {
  const a = startAgent({ role: 'echo' });
  await a.ready;
  const rtt = [];
  for (let i = 0; i < warm + rounds; i++) {
    let t1;
    const back = nextMessage(a.w).then(() => { t1 = hr(); });
    const t0 = hr();
    a.w.postMessage(i);
    await back;
    if (i >= warm) rtt.push(us(t0, t1));
  }
  await a.w.terminate();
  return rtt;
}

// ---- 2. same-agent notify -------------------------------------------------------------------------

/** waitAsync then notify(…, 1) on the same thread: the notify call → the promise's reaction. */
async function sameAgent(mode, rounds, warm) {
  const { waitAsync, notify } = fns(mode);
  const ia = new Int32Array(new SharedArrayBuffer(16));
  const settle = [];
  const arm = [];
  const notifyCall = [];
  for (let i = 0; i < warm + rounds; i++) {
    let t1 = 0n;
    const a0 = hr();
    const r = waitAsync(ia, 0, 0);
    const a1 = hr();
    const p = r.value.then(() => { t1 = hr(); });
    const t0 = hr();
    const n = notify(ia, 0, 1);
    const t01 = hr();
    if (n !== 1) throw new Error(`same-agent ${mode}: notify woke ${n}`);
    await p;
    if (i >= warm) {
      settle.push(us(t0, t1));
      arm.push(us(a0, a1));
      notifyCall.push(us(t0, t01));
    }
  }
  // Whole cycles (waitAsync + notify + await), timed in batches of 20: µs per cycle.
  const cycle = [];
  for (let b = 0; b < rounds / 20; b++) {
    const t0 = hr();
    for (let k = 0; k < 20; k++) {
      const r = waitAsync(ia, 0, 0);
      notify(ia, 0, 1);
      await r.value;
    }
    cycle.push(us(t0, hr()) / 20);
  }
  return { settle, arm, notifyCall, cycle };
}

// ---- 3. synchronous paths ---------------------------------------------------------------------------

const SYNC_PATHS = {
  // Each loop is compiled separately (its own type feedback), returning a value so nothing is dead.
  'not-equal': 'let k = 0; for (let i = 0; i < n; i++) if (wa(ia, 0, 1).value === "not-equal") k++; return k;',
  'timed-out': 'let k = 0; for (let i = 0; i < n; i++) if (wa(ia, 0, 0, 0).value === "timed-out") k++; return k;',
  // Validation errors: a view of a non-shared buffer, and a view of a type that cannot wait.
  'TypeError-unshared': 'let k = 0; for (let i = 0; i < n; i++) { try { wa(plain, 0, 0); } catch (e) { if (e instanceof TypeError) k++; } } return k;',
  'TypeError-type': 'let k = 0; for (let i = 0; i < n; i++) { try { wa(f64, 0, 0); } catch (e) { if (e instanceof TypeError) k++; } } return k;',
};
const syncLoops = new Map();
function syncLoop(mode, name) {
  const key = `${mode}:${name}`;
  if (!syncLoops.has(key)) syncLoops.set(key, new Function('wa', 'ia', 'plain', 'f64', 'n', SYNC_PATHS[name]));
  return syncLoops.get(key);
}

/** ns per call, one sample per batch of `per` calls. */
function syncPath(mode, name, batches, per = 1000) {
  const { waitAsync } = fns(mode);
  const ia = new Int32Array(new SharedArrayBuffer(16));
  const plain = new Int32Array(4);
  const f64 = new Float64Array(new SharedArrayBuffer(32));
  const loop = syncLoop(mode, name);
  for (let i = 0; i < 20; i++) loop(waitAsync, ia, plain, f64, per); // warm-up
  const ns = [];
  for (let b = 0; b < batches; b++) {
    const t0 = hr();
    const k = loop(waitAsync, ia, plain, f64, per);
    const t1 = hr();
    if (k !== per) throw new Error(`sync ${name} ${mode}: ${k}/${per}`);
    ns.push(Number(t1 - t0) / per);
  }
  return ns;
}

// ---- 6. timeout precision ------------------------------------------------------------------------------

/** How late "timed-out" settles after its deadline (ms): sequential waits of 3 ms, then a batch with spread deadlines. */
async function timeouts(mode, seq, conc) {
  const { waitAsync } = fns(mode);
  const ia = new Int32Array(new SharedArrayBuffer(16));
  const late = [];
  let wrong = 0;
  for (let i = 0; i < seq; i++) {
    const t0 = performance.now();
    const r = waitAsync(ia, 0, 0, 3);
    const v = await r.value;
    late.push(performance.now() - (t0 + 3));
    if (v !== 'timed-out') wrong++;
  }
  const batch = [];
  for (let i = 0; i < conc; i++) {
    const t = 1 + ((i * 7) % 40);
    const t0 = performance.now();
    const r = waitAsync(ia, 1, 0, t);
    batch.push(r.value.then((v) => {
      late.push(performance.now() - (t0 + t));
      if (v !== 'timed-out') wrong++;
    }));
  }
  await Promise.all(batch);
  return { late, wrong };
}

// ---- 7. async-mutex contention ---------------------------------------------------------------------------

/**
 * M async tasks in this thread share `acquisitions` lock acquisitions (an equal share each) of one
 * lock word (0 free, 1 held): take it with CAS 0 → 1, on failure waitAsync on 1 and try again;
 * hold it across an await (a macrotask, setImmediate, as real work would); release with store 0 +
 * notify(…, 1); await once more outside the lock. One worker contends the whole time with sync Atomics.wait (agent role 'mutex').
 * Wall time from GO until every task is done. Wasted wakeup: a wait that settled "ok" after which
 * the CAS failed (here, and in the worker); a wait that timed out (MUTEX.lostMs) is counted apart.
 */
async function mutex(mode, M, acquisitions) {
  const { waitAsync, notify } = fns(mode);
  const sab = new SharedArrayBuffer(64);
  const ctl = new Int32Array(sab);
  const lockSab = new SharedArrayBuffer(64);
  const lock = new Int32Array(lockSab);
  const w = startAgent({ role: 'mutex', mode, sab, lock: lockSab, ...MUTEX });
  await w.ready;
  const done = nextMessage(w.w, (m) => m && m.done);
  const per = Math.ceil(acquisitions / M);
  const c = { acquisitions: 0, wakeups: 0, wasted: 0, timeouts: 0 };
  const hold = () => new Promise((r) => setImmediate(r));
  const task = async () => {
    for (let i = 0; i < per; i++) {
      let woke = false;
      while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) {
        if (woke) c.wasted++;
        woke = false;
        const r = waitAsync(lock, 0, 1, MUTEX.lostMs);
        if (!r.async) continue; // "not-equal": released in between, try again
        if ((await r.value) === 'ok') {
          woke = true;
          c.wakeups++;
        } else c.timeouts++;
      }
      c.acquisitions++;
      await hold();
      Atomics.store(lock, 0, 0);
      notify(lock, 0, 1);
      await hold(); // work outside the lock: other tasks (and the worker) get their turn
    }
  };
  const t0 = hr();
  Atomics.store(ctl, PING, 1);
  Atomics.notify(ctl, PING);
  await Promise.all(Array.from({ length: M }, task));
  const t1 = hr();
  Atomics.store(ctl, STOP, 1);
  Atomics.notify(lock, 0); // a worker blocked on the lock sees STOP
  const wk = await done;
  await w.w.terminate();
  return {
    M, perTask: per, wallMs: us(t0, t1) / 1000, ...c,
    worker: { acquisitions: wk.acquisitions, wakeups: wk.wakeups, wasted: wk.wasted, timeouts: wk.timeouts },
  };
}

// ---- 8. call durations (bench/lib/calls.mjs) ------------------------------------------------------

function calls(mode, busy) {
  const spawn = async (role, args) => {
    const a = startAgent({ role, mode, ...args });
    await a.ready;
    return a.w;
  };
  return callDurations({ ...fns(mode), now: () => performance.now(), spawn, busy, rounds: P.callRounds, warm: P.warm, bursts: P.bursts });
}

// ---- 4/5. scale (child processes) --------------------------------------------------------------------

function child(args) {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--expose-gc', path.join(HERE, 'scale.mjs'), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => c.kill('SIGKILL'), 240000);
    c.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (line) resolve(JSON.parse(line.slice(9)));
      else resolve({ error: `exited ${signal || code}: ${(err || out).trim().slice(-400)}` });
    });
  });
}

// ---- main --------------------------------------------------------------------------------------------

function machine() {
  const cpus = os.cpus();
  return {
    nproc: Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || cpus.length,
    cpu: cpus[0]?.model?.trim(),
    memGB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    os: `${os.type()} ${os.release()}`,
  };
}

async function main() {
  // Neither native nor shimmed pending waits keep Node alive (by design): this does, until the end.
  const hold = setInterval(() => {}, 1 << 30);
  const started = Date.now();
  const meta = {
    date: new Date().toISOString(),
    node: process.version, v8: process.versions.v8,
    machine: machine(), loadavgStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    params: { ...P, quick: opts.quick },
  };
  log(`bench: Node ${process.version} (V8 ${process.versions.v8}), ${meta.machine.nproc} cores (${meta.machine.cpu}), ` +
    `load ${meta.loadavgStart.join(' ')}; ${P.runs} runs${opts.quick ? ' (quick)' : ''}`);
  const W = {};
  const checks = { lostWakeups: {}, spuriousWakeups: {}, wrongTimeouts: {}, earlyTimeouts: {} };
  const bump = (o, k, n) => { if (n) o[k] = (o[k] || 0) + n; };

  for (let run = 0; run < P.runs; run++) {
    const t0 = Date.now();
    if (want('pingpong')) {
      const fwd = (W['pingpong-forward'] ??= { rtt: {}, oneWay: {} });
      for (const mode of order(run, ['native', 'shim', 'floor'])) {
        const r = await forward(mode, P.rounds, P.warm);
        seriesOf(fwd.rtt, mode).add(r.rtt);
        seriesOf(fwd.oneWay, mode).add(r.oneWay);
        bump(checks.lostWakeups, `forward ${mode}`, r.lost);
        bump(checks.spuriousWakeups, `forward ${mode}`, r.spurious);
      }
      const rev = (W['pingpong-reverse'] ??= { rtt: {}, oneWay: {} });
      for (const mode of order(run, ['native', 'shim'])) {
        const r = await reverse(mode, P.rounds, P.warm);
        seriesOf(rev.rtt, mode).add(r.rtt);
        seriesOf(rev.oneWay, mode).add(r.oneWay);
        bump(checks.lostWakeups, `reverse ${mode}`, r.lost);
        bump(checks.spuriousWakeups, `reverse ${mode}`, r.spurious);
      }
      const pm = (W.postMessage ??= { rtt: {} });
      seriesOf(pm.rtt, 'floor').add(await postMessageFloor(P.rounds, P.warm));
    }
    if (want('same-agent')) {
      const sa = (W['same-agent'] ??= { settle: {}, cycle: {}, arm: {}, notifyCall: {} });
      for (const mode of order(run, ['native', 'shim'])) {
        const r = await sameAgent(mode, P.rounds, P.warm);
        seriesOf(sa.settle, mode).add(r.settle);
        seriesOf(sa.cycle, mode).add(r.cycle);
        seriesOf(sa.arm, mode).add(r.arm);
        seriesOf(sa.notifyCall, mode).add(r.notifyCall);
      }
    }
    if (want('sync')) {
      const sy = (W.sync ??= {});
      for (const name of Object.keys(SYNC_PATHS)) {
        const s = (sy[name] ??= {});
        for (const mode of order(run, ['native', 'shim'])) seriesOf(s, mode).add(syncPath(mode, name, P.syncBatches));
      }
    }
    if (want('timeouts')) {
      const to = (W.timeouts ??= { late: {} });
      for (const mode of order(run, ['native', 'shim'])) {
        const r = await timeouts(mode, P.seqTimeouts, P.concTimeouts);
        seriesOf(to.late, mode).add(r.late);
        bump(checks.wrongTimeouts, mode, r.wrong);
        bump(checks.earlyTimeouts, mode, r.late.filter((x) => x < 0).length);
      }
    }
    if (want('mutex')) {
      const mx = (W.mutex ??= { sizes: P.mutexSizes, acquisitions: P.mutexAcq, params: MUTEX, native: {}, shim: {} });
      // Warm-up (not kept): the shim's first helpers start here, not in a measured chunk.
      if (run === 0) for (const mode of ['native', 'shim']) await mutex(mode, 8, 64);
      for (const M of P.mutexSizes) {
        for (const mode of order(run, ['native', 'shim'])) {
          const r = await mutex(mode, M, P.mutexAcq);
          (mx[mode][M] ??= []).push(r);
          bump(checks.lostWakeups, `mutex ${mode}`, r.timeouts + r.worker.timeouts);
        }
      }
    }
    if (want('calls')) {
      const C = (W.calls ??= { timerStepUs: timerStepUs(() => performance.now()) });
      for (const cond of order(run, ['idle', 'busy'])) {
        for (const mode of order(run, ['native', 'shim'])) {
          const r = await calls(mode, cond === 'busy');
          poolCalls(C, cond, mode, r);
          bump(checks.lostWakeups, `calls ${mode}`, r.lost);
          bump(checks.spuriousWakeups, `calls ${mode}`, r.spurious);
        }
      }
    }
    log(`  run ${run + 1}/${P.runs}: in-process workloads ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  if (want('scale-one')) {
    const t0 = Date.now();
    const so = (W['scale-one'] = { sizes: P.one, native: {}, shim: {} });
    for (let run = 0; run < P.oneRuns; run++) {
      for (const n of P.one) {
        for (const mode of order(run, ['native', 'shim'])) {
          const r = await child({ kind: 'one', mode, n });
          (so[mode][n] ??= []).push(r);
          if (r.error) log(`  scale-one ${mode} ${n}: ${r.error}`);
        }
      }
    }
    log(`  scale-one: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (want('scale-addresses')) {
    const t0 = Date.now();
    const sa = (W['scale-addresses'] = { sizes: P.addr, perAddress: 10, native: {}, shim: {} });
    for (const a of P.addr) {
      for (let run = 0; run < P.addrRuns[a]; run++) {
        for (const mode of order(run, ['native', 'shim'])) {
          const r = await child({ kind: 'addresses', mode, addresses: a, perAddress: 10 });
          (sa[mode][a] ??= []).push(r);
          if (r.error) log(`  scale-addresses ${mode} ${a}: ${r.error}`);
          else log(`  scale-addresses ${mode} ${a}: armed ${r.armMs} ms, helpers ${r.helpersMax}, settled ${r.settleMs} ms`);
        }
      }
    }
    log(`  scale-addresses: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  clearInterval(hold);
  meta.loadavgEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  meta.durationS = Math.round((Date.now() - started) / 100) / 10;
  meta.checks = checks;
  meta.statsAtEnd = (({ helpers, armed, blocked, pending }) => ({ helpers, armed, blocked, pending }))(stats());
  const { calls: C, ...rest } = JSON.parse(JSON.stringify(W));
  const wrote = [];
  if (Object.keys(rest).length) {
    writeJson(opts.out, { meta, workloads: rest });
    wrote.push(opts.out);
  }
  if (C) wrote.push(saveCalls(opts.out, (old) => ({ ...old, node: { meta, calls: C } })));
  log(`bench: ${meta.durationS} s; wrote ${wrote.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  if (opts.report) {
    const { writeReport } = await import('../report.mjs');
    writeReport({ log, dir: path.dirname(opts.out) });
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e && e.stack || e);
  process.exit(1);
});

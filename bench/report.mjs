// Writes bench/results/REPORT.md and the SVG charts from bench/results/node.json,
// bench/results/browsers.json and bench/results/calls.json (whichever exist). Run on its own with `node bench/report.mjs`;
// the two bench runners call it at the end.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/stats.mjs';
import { COLORS, cdfChart, curveChart } from './lib/svg.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, 'results');

let DIR = RESULTS;
const read = (f) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'));
  } catch {
    return null;
  }
};

// ---- formatting --------------------------------------------------------------------------------

function num(v, digits = 3) {
  if (v === undefined || v === null || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toPrecision(digits > 2 ? 2 : digits);
}
const ratio = (a, b) => (a >= 0 && b > 0 ? a / b : NaN);
const rx = (r) => (Number.isFinite(r) ? `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×` : '–');
const ok = (b) => (b === undefined ? '–' : b ? '**met**' : '**missed**');
const table = (head, rows, align) => [
  `| ${head.join(' | ')} |`,
  `|${head.map((h, i) => (align ? align[i] === 'r' ? '---:' : '---' : i ? '---:' : '---')).join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
const med = (xs) => (xs.length ? median(xs) : NaN);
const okRuns = (runs) => (runs || []).filter((r) => r && !r.error);

/** Median of a numeric field (dotted path) over the runs of one scale step. */
function scaleField(runs, field) {
  const vals = okRuns(runs).map((r) => field.split('.').reduce((o, k) => (o ? o[k] : undefined), r)).filter((v) => typeof v === 'number');
  return med(vals);
}
const scaleMax = (runs, field) => Math.max(-Infinity, ...okRuns(runs).map((r) => r[field]).filter((v) => typeof v === 'number'));
const scaleSum = (runs, field) => okRuns(runs).reduce((s, r) => s + (r[field] || 0), 0);

// ---- issue "fast where it is needed most (Firefox ESR 140) and small" ---------------------------

/** Its targets, from the runs above plus bench/hop (hop.json), bench/browser/load.mjs and npm run size. */
function fastAndSmall(md, { node, br, nodeFwd, hop, load, size }) {
  const rows = [];
  if (hop) {
    const hosts = Object.values(hop);
    const fmt = (v) => { const xs = (v || []).filter((x) => x !== null); return xs.length ? num(median(xs)) : 'stalled'; };
    rows.push([
      'The helper → agent hop: the fastest of its own channel vs a MessageChannel port, a number vs an object (`npm run bench:hop`)',
      hosts.map((h) => `${h.label}: ${Object.entries(h.p50).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} µs`).join('; '),
      '**met**',
      'The helper posts a wake as its bare token on its own channel (self-number): fastest or tied on every host. ' +
        'A port is slower in Firefox 153 and, from a worker that stays in `Atomics.wait`, never delivers in Firefox 140. ' +
        'Batching: wakes that land together already cost one settle pass (`settleWoken` settles every woken helper it finds).',
    ]);
  }
  const floors = [];
  if (node) floors.push([`Node ${node.meta.node}`, ratio(nodeFwd.shim?.p50, nodeFwd.floor?.p50)]);
  for (const e of br?.engines || []) floors.push([short(e), ratio(e.workloads.forward.rtt.shim?.p50, e.workloads.forward.rtt.floor?.p50)]);
  if (floors.length) {
    const good = floors.every(([, r]) => r <= 1.1);
    rows.push(['Ping-pong: shim ÷ hand-rolled helper floor ≤ 1.10 in every engine', floors.map(([n, r]) => `${n} ${rx(r)}`).join('; '), ok(good),
      good ? '' : 'engine v2 keeps one helper per waiter in the native queue and arms it before `waitAsync` returns ' +
        '(the floor re-blocks at once on a fixed slot with no bookkeeping); each round the shim re-arms a helper (a control-word ' +
        'notify and a wait for it to block, ~25–120 µs here) that the floor does not pay']);
  }
  if (node) {
    const r = ratio(nodeFwd.shim?.p50, nodeFwd.native?.p50);
    rows.push(['Node ping-pong ≤ 1.4× native', `${rx(r)} (${num(nodeFwd.shim?.p50)} vs ${num(nodeFwd.native?.p50)} µs; floor ${rx(ratio(nodeFwd.floor?.p50, nodeFwd.native?.p50))})`, ok(r <= 1.4),
      r <= 1.4 ? '' : 'see the row above: the floor alone is most of it on this 2-core VM']);
  }
  const ff = (br?.engines || []).find((e) => e.id === 'firefox-140');
  if (ff) {
    const W = ff.workloads;
    const syncR = Object.keys(W.sync).map((n) => [n, ratio(W.sync[n].shim?.p50, W.sync[n].native?.p50)]);
    rows.push(['Firefox 140: every synchronous path within 2× native', syncR.map(([n, v]) => `${n} ${rx(v)}`).join('; '), ok(syncR.every(([, v]) => v <= 2)), '']);
    const sc = ratio(W['same-agent'].cycle?.shim?.p50, W['same-agent'].cycle?.native?.p50);
    rows.push(['Firefox 140: same-thread cycle (waitAsync + notify + await) ≤ 2× native', `${rx(sc)} (${num(W['same-agent'].cycle?.shim?.p50)} vs ${num(W['same-agent'].cycle?.native?.p50)} µs)`, ok(sc <= 2),
      sc <= 2 ? '' : 'engine v2 (exact across threads): `waitAsync` returns only once a helper thread is in the native queue, and the ' +
        'same-thread notify wakes that thread, whose wake the agent then sees; two thread hand-offs (tens of µs each) against ' +
        'native\'s few µs. Kept: settling from shared memory inside `notify` (no message, no event-loop turn).']);
  }
  if (size) {
    for (const b of size.builds) {
      rows.push([`${b.label} ≤ ${num(size.target)} B gzipped, helper included (\`npm run size\`, budget checked by \`npm test\`)`,
        `${num(b.total.gzip)} B gzip (${num(b.total.raw)} raw, ${num(b.total.brotli)} brotli); CI budget ${num(b.budget)} B`, ok(b.total.gzip <= size.target),
        b.total.gzip <= size.target ? '' : 'internal property names are mangled at build time and the browser helper carries no Node branch ' +
          '(−0.8 KB); the rest is the engine itself (engine.ts + pool.ts are half the code): 6 KB would need a smaller engine, not trimming']);
    }
  }
  if (load) {
    const parts = load.engines.map((e) => `${e.label}: <script> text evaluated ${num(e.iifeEval.p50)} ms, ESM build + install() ` +
      `${num(e.esm.p50)} vs empty module ${num(e.esmBase.p50)} ms${e.untouched ? '' : ' (globals changed!)'}`);
    rows.push(['Zero cost where native exists: no thread, no SharedArrayBuffer (tested: suite zero-cost, package test), no measurable load time (`npm run bench:load`)',
      parts.join('; '), load.engines.every((e) => e.untouched) ? '**met** for threads and memory; **missed** for load time' : '**missed**',
      'Nothing runs but the module\'s own top level (captured intrinsics, one object on a global symbol); what is measurable is ' +
        'parsing that much code, a few ms in Firefox: fewer bytes (the size rows) are the lever']);
  }
  if (!rows.length) return;
  md.push('## Fast on Firefox ESR 140, and small: targets');
  md.push('');
  md.push(table(['target', 'measured', 'status', 'why / what was tried'], rows, 'llll'));
  md.push('');
}

// ---- the report --------------------------------------------------------------------------------

export function writeReport({ log = () => {}, dir = RESULTS } = {}) {
  DIR = dir;
  const node = read('node.json');
  const br = read('browsers.json');
  const calls = callHosts(read('calls.json'));
  const md = [];
  const charts = [];
  md.push('# Benchmarks: atomics-wait-async against native `Atomics.waitAsync`');
  md.push('');
  md.push('Generated by `node bench/report.mjs` from the JSON in this folder (see [bench/README.md](../README.md) ' +
    'for how to run and read them). Native and shim were measured in the same run, interleaved; every figure is ' +
    'the **median across runs** of each run\'s median (p50) or p99. Ratios are shim ÷ native (below 1 = the shim is faster).');
  md.push('');
  const machineOf = (m) => m && `${m.machine.nproc} cores (${m.machine.cpu}), ${m.machine.memGB} GB RAM, ${m.machine.os}`;
  md.push('## Setup');
  md.push('');
  if (node) {
    md.push(`- **Node bench** (\`npm run bench\`): ${node.meta.date}, Node ${node.meta.node} (V8 ${node.meta.v8}); ` +
      `${machineOf(node.meta)}; ${node.meta.params.runs} runs, ${node.meta.params.rounds} rounds per ping-pong chunk; ` +
      `load average ${node.meta.loadavgStart.join(' / ')} at the start, ${node.meta.loadavgEnd.join(' / ')} at the end; ` +
      `took ${node.meta.durationS} s.`);
  }
  if (br) {
    const engines = br.engines.map((e) => `${e.label.replace(/ built on .*/, '')} (${e.native} vs ${e.shim})`).join('; ');
    md.push(`- **Browser bench** (\`npm run bench:browsers\`): ${br.meta.date}; ${engines}; ${machineOf(br.meta)}; ` +
      `${br.meta.params.runs} runs per engine and mode, ${br.meta.params.rounds} rounds per chunk; load average ` +
      `${br.meta.loadavgStart.join(' / ')} → ${br.meta.loadavgEnd.join(' / ')}; took ${br.meta.durationS} s.`);
  }
  for (const h of calls) {
    const m = h.meta;
    md.push(`- **Call durations, ${h.name}** (workload 8, \`${h.browser ? 'npm run bench:browsers' : 'npm run bench'}\`): ` +
      `${m.date}; ${h.browser ? `${h.native} vs ${h.shim}` : `Node ${m.node}`}; ${m.params.runs} runs, ${h.rounds} rounds and ` +
      `${h.bursts} bursts per chunk; load average ${m.loadavgStart.join(' / ')} → ${m.loadavgEnd.join(' / ')}.`);
  }
  md.push('- The machine is a shared 2-core VM: other processes (other test suites) ran during the benches, so ' +
    'absolute numbers are noisy, p99s especially; the ratios come from interleaved chunks and are the figures to read.');
  md.push('');

  // ---------------------------------------------------------------------------------------------
  const N = node?.workloads || {};
  const S = (w, m, mode) => N[w]?.[m]?.[mode];
  const nodeFwd = { native: S('pingpong-forward', 'rtt', 'native'), shim: S('pingpong-forward', 'rtt', 'shim'), floor: S('pingpong-forward', 'rtt', 'floor') };
  const nodeFwd1 = { native: S('pingpong-forward', 'oneWay', 'native'), shim: S('pingpong-forward', 'oneWay', 'shim'), floor: S('pingpong-forward', 'oneWay', 'floor') };
  const nodeRev = { native: S('pingpong-reverse', 'rtt', 'native'), shim: S('pingpong-reverse', 'rtt', 'shim') };
  const nodeRev1 = { native: S('pingpong-reverse', 'oneWay', 'native'), shim: S('pingpong-reverse', 'oneWay', 'shim') };
  const nodePm = S('postMessage', 'rtt', 'floor');
  const nodeSame = { native: S('same-agent', 'settle', 'native'), shim: S('same-agent', 'settle', 'shim') };
  const syncNames = Object.keys(N.sync || {});

  // Targets ---------------------------------------------------------------------------------------
  md.push('## DESIGN §4 targets');
  md.push('');
  const targets = [];
  if (node) {
    const r = ratio(nodeFwd.shim?.p50, nodeFwd.native?.p50);
    const rf = ratio(nodeFwd.floor?.p50, nodeFwd.native?.p50);
    const rs = ratio(nodeFwd.shim?.p50, nodeFwd.floor?.p50);
    const rr = ratio(nodeRev.shim?.p50, nodeRev.native?.p50);
    targets.push([
      'Ping-pong round trip p50 ≤ 1.5× native (Node)',
      `forward ${rx(r)} (${num(nodeFwd.shim?.p50)} vs ${num(nodeFwd.native?.p50)} µs); reverse ${rx(rr)}`,
      ok(r <= 1.5 && rr <= 1.5),
      r <= 1.5 && rr <= 1.5 ? '' : `${rf > 1.5 ? 'Out of reach of any helper-based shim on this machine: a' : 'A'} hand-rolled helper (a worker blocked in \`Atomics.wait\` that ` +
        `\`postMessage\`s the main thread, no bookkeeping at all) ${rf > 1.5 ? 'already ' : ''}costs ${rx(rf)} native (${num(nodeFwd.floor?.p50)} µs); ` +
        `the shim is ${rx(rs)} that floor. A plain postMessage round trip alone is ${num(nodePm?.p50)} µs, ` +
        `${rx(ratio(nodePm?.p50, nodeFwd.native?.p50))} the native ping-pong. The reverse direction pays the same hop inside the worker.`,
    ]);
    const rsAg = ratio(nodeSame.shim?.p50, nodeSame.native?.p50);
    targets.push([
      'Same-agent notify → settled no slower than native (Node)',
      `${rx(rsAg)} (${num(nodeSame.shim?.p50)} vs ${num(nodeSame.native?.p50)} µs)`,
      ok(rsAg <= 1),
      rsAg <= 1 ? 'The shim settles inside `notify` (a microtask later); V8 posts a task.' : '',
    ]);
    const syncR = syncNames.map((n) => [n, ratio(N.sync[n].shim?.p50, N.sync[n].native?.p50)]);
    const worst = syncR.reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0]);
    targets.push([
      'Synchronous paths within 2× native (Node)',
      syncR.map(([n, v]) => `${n} ${rx(v)}`).join('; '),
      ok(syncR.every(([, v]) => v <= 2)),
      syncR.every(([, v]) => v <= 2) ? '' : `${worst[0]} is ${rx(worst[1])}: ${syncWhy(worst[0])}`,
    ]);
    const so = N['scale-one'];
    const big = so && Math.max(...so.sizes);
    if (so) {
      const runs = so.shim[big];
      const good = okRuns(runs).length > 0 && okRuns(runs).length === (runs || []).length && scaleSum(runs, 'notOk') === 0;
      targets.push([
        `${num(big)} waiters on one address settled by one notify (Node)`,
        `${good ? 'all settled "ok"' : 'FAILED'} in ${num(scaleField(runs, 'settleMs'))} ms (native ${num(scaleField(so.native[big], 'settleMs'))} ms), ` +
          `${scaleMax(runs, 'helpersMax')} helper; ${num(scaleField(runs, 'mem.heapPerWaiter'))} B heap per pending waiter ` +
          `(native ${num(scaleField(so.native[big], 'mem.heapPerWaiter'))} B)`,
        ok(good),
        '',
      ]);
    }
    const sa = N['scale-addresses'];
    if (sa || so) {
      const rows = [];
      let fine = true;
      for (const [w, key] of [[so, 'one'], [sa, 'addr']]) {
        if (!w) continue;
        for (const size of w.sizes) {
          const runs = w.shim[size];
          const addresses = key === 'one' ? 1 : size;
          const max = scaleMax(runs, 'helpersMax');
          if (!(max <= addresses)) fine = false;
          if (key === 'addr') rows.push(`${size} addr → ${max}`);
        }
      }
      targets.push([
        'Helper threads ≤ distinct addresses (Node; browsers below)',
        `one address: ≤ 1 at every size; ${rows.join(', ')}` + (sa?.sizes.includes(1000) ? ` (1,000 addresses × 10 waiters = the DESIGN's 10,000 on 1,000)` : ''),
        ok(fine),
        fine ? '' : 'more helpers than addresses were seen',
      ]);
    }
    const mx = mutexRows(N.mutex).filter((r) => r.M === 8 || r.M === 64);
    if (mx.length) {
      const good = mx.every((r) => r.timeRatio <= 2 && r.wastedOk);
      targets.push([
        'Async-mutex contention ≤ 2× native time, ≤ 3× native wasted wakeups, at M = 8 and 64 (Node)',
        mx.map((r) => `M = ${r.M}: time ${rx(r.timeRatio)} (${num(r.shim.wallMs)} vs ${num(r.native.wallMs)} ms), ` +
          `wasted ${rx(r.wastedRatio)} (${num(r.shim.wasted)} vs ${num(r.native.wasted)})`).join('; '),
        ok(good),
        [good ? '' : 'see the async-mutex table', starvedNote(mx)].filter(Boolean).join(' '),
      ]);
    }
  }
  if (br) {
    for (const e of br.engines) {
      const W = e.workloads;
      const name = short(e);
      const r = ratio(W.forward.rtt.shim?.p50, W.forward.rtt.native?.p50);
      const rr = ratio(W.reverse.rtt.shim?.p50, W.reverse.rtt.native?.p50);
      const rf = ratio(W.forward.rtt.floor?.p50, W.forward.rtt.native?.p50);
      targets.push([
        `${name}: ping-pong p50 ≤ 1.5× native (the target is set for Node; shown for comparison)`,
        `forward ${rx(r)} (${num(W.forward.rtt.shim?.p50)} vs ${num(W.forward.rtt.native?.p50)} µs), reverse ${rx(rr)}`,
        ok(r <= 1.5 && rr <= 1.5),
        r <= 1.5 && rr <= 1.5 ? '' : `hand-rolled helper floor ${rx(rf)} native (${num(W.forward.rtt.floor?.p50)} µs); shim ÷ floor ${rx(ratio(W.forward.rtt.shim?.p50, W.forward.rtt.floor?.p50))}; ` +
          `postMessage round trip ${num(W.postMessage.rtt.floor?.p50)} µs`,
      ]);
      const sa = ratio(W['same-agent'].settle.shim?.p50, W['same-agent'].settle.native?.p50);
      const sc = ratio(W['same-agent'].cycle?.shim?.p50, W['same-agent'].cycle?.native?.p50);
      // Below the timer's step (Chromium: 5 µs) the single-shot figure is 0: judge on the batched cycle.
      const quantized = !(W['same-agent'].settle.native?.p50 > 0);
      const judged = quantized ? sc : sa;
      targets.push([
        `${name}: same-agent notify no slower than native`,
        `notify → settled ${quantized ? 'below the timer step for both' : rx(sa)} (${num(W['same-agent'].settle.shim?.p50)} vs ` +
          `${num(W['same-agent'].settle.native?.p50)} µs); whole cycle (waitAsync + notify + await) ${rx(sc)} ` +
          `(${num(W['same-agent'].cycle?.shim?.p50)} vs ${num(W['same-agent'].cycle?.native?.p50)} µs)`,
        ok(judged <= 1),
        judged <= 1 ? (quantized ? 'judged on the batched whole cycle, since single notifies settle within one 5 µs timer step' : '') :
          'engine v2: a same-thread waiter settles once its helper, woken by the native notify in FIFO order with ' +
            "other threads' waiters, shows it (a thread wake-up), and every waitAsync waits for its helper to block",
      ]);
      const syncR = Object.keys(W.sync).map((n) => [n, ratio(W.sync[n].shim?.p50, W.sync[n].native?.p50)]);
      const bad = syncR.filter(([, v]) => !(v <= 2));
      targets.push([
        `${name}: synchronous paths within 2× native`,
        syncR.map(([n, v]) => `${n} ${rx(v)}`).join('; '),
        ok(!bad.length),
        bad.map(([n]) => `${n}: ${syncWhy(n)}`).join(' '),
      ]);
      let helpersFine = true;
      const parts = [];
      for (const w of ['scale-one', 'scale-addresses']) {
        for (const size of W[w].sizes || []) {
          const a = w === 'scale-one' ? 1 : size;
          const m = scaleMax(W[w].shim[size], 'helpersMax');
          if (!(m <= a)) helpersFine = false;
          const shown = Number.isFinite(m) ? m : 'no result (the step did not finish)';
          parts.push(w === 'scale-one' ? `${num(size)} waiters → ${shown}` : `${size} addr → ${shown}`);
        }
      }
      const big = Math.max(...(W['scale-one'].sizes || [0]));
      const runs = W['scale-one'].shim[big];
      const good = okRuns(runs).length > 0 && scaleSum(runs, 'notOk') === 0;
      targets.push([
        `${name}: ${num(big)} waiters settled by one notify; helpers ≤ addresses`,
        `${good ? 'all settled "ok"' : 'FAILED'} in ${num(scaleField(runs, 'settleMs'))} ms (native ${num(scaleField(W['scale-one'].native[big], 'settleMs'))} ms); helpers: ${parts.join(', ')}`,
        ok(good && helpersFine), '',
      ]);
    }
  }
  targets.push(...callTargets(calls));
  md.push(table(['target', 'measured', 'status', 'why'], targets, 'llll'));
  md.push('');

  fastAndSmall(md, { node, br, nodeFwd, hop: read('hop.json'), load: read('load.json'), size: read('size.json') });

  // Headline ratios ---------------------------------------------------------------------------------
  md.push('## Headline ratios (p50, shim ÷ native)');
  md.push('');
  const cols = [];
  if (node) cols.push({ name: `Node ${node.meta.node}`, get: (k) => nodeHeadline(N, k) });
  for (const e of br?.engines || []) cols.push({ name: short(e), get: (k) => browserHeadline(e.workloads, k) });
  const keys = [
    ['fwd', 'ping-pong, worker notifies → main\'s promise (round trip)'],
    ['fwd1', 'the same, one-way (notify → settled)'],
    ['floor', 'hand-rolled helper floor ÷ native (forward round trip)'],
    ['rev', 'ping-pong, main notifies → worker\'s promise (round trip)'],
    ['same', 'same-agent notify → settled'],
    ['cycle', 'same-agent whole cycle (waitAsync + notify + await)'],
    ...syncKeys(node, br).map((n) => [`sync:${n}`, `synchronous \`${n}\` (ns per call)`]),
    ['late', 'timeout lateness p50 (ms, shim − native)'],
    ['one', 'largest one-address scale: settle time'],
    ...(N.mutex ? [['mutex', 'async-mutex contention, M = 64: wall time / wasted wakeups (ratios)']] : []),
  ];
  md.push(table(['workload', ...cols.map((c) => c.name)], keys.map(([k, label]) => [label, ...cols.map((c) => c.get(k))])));
  md.push('');

  md.push(callsSection(calls));

  // Node detail ----------------------------------------------------------------------------------------
  if (node) {
    md.push(`## Node ${node.meta.node}: detail`);
    md.push('');
    md.push('Latencies in µs (median across runs of each run\'s p50 / p99).');
    md.push('');
    const rows = [];
    const row = (label, nat, sh, extra = '') => rows.push([label, num(nat?.p50), num(nat?.p99), num(sh?.p50), num(sh?.p99),
      rx(ratio(sh?.p50, nat?.p50)), rx(ratio(sh?.p99, nat?.p99)), extra]);
    row('1. ping-pong forward, round trip', nodeFwd.native, nodeFwd.shim, `hand-rolled helper ${num(nodeFwd.floor?.p50)} / ${num(nodeFwd.floor?.p99)}`);
    row('1. forward, one-way (worker notify → main settled)', nodeFwd1.native, nodeFwd1.shim, `hand-rolled helper ${num(nodeFwd1.floor?.p50)} / ${num(nodeFwd1.floor?.p99)}`);
    row('1. ping-pong reverse, round trip', nodeRev.native, nodeRev.shim);
    row('1. reverse, one-way (main notify → worker settled)', nodeRev1.native, nodeRev1.shim);
    rows.push(['floor: postMessage round trip main ↔ worker', '', '', '', '', '', '', `${num(nodePm?.p50)} / ${num(nodePm?.p99)}`]);
    row('2. same-agent notify → settled', nodeSame.native, nodeSame.shim);
    row('2. same-agent whole cycle (waitAsync + notify + await; batches of 20)', S('same-agent', 'cycle', 'native'), S('same-agent', 'cycle', 'shim'));
    row('2. waitAsync call, async path (arm)', S('same-agent', 'arm', 'native'), S('same-agent', 'arm', 'shim'));
    row('2. notify call (wakes 1, same agent)', S('same-agent', 'notifyCall', 'native'), S('same-agent', 'notifyCall', 'shim'));
    for (const n of syncNames) {
      const nat = N.sync[n].native;
      const sh = N.sync[n].shim;
      rows.push([`3. sync \`${n}\` (ns/call; Mops/s)`, `${num(nat?.p50)} (${num(1e3 / nat?.p50)})`, num(nat?.p99),
        `${num(sh?.p50)} (${num(1e3 / sh?.p50)})`, num(sh?.p99), rx(ratio(sh?.p50, nat?.p50)), rx(ratio(sh?.p99, nat?.p99)), '']);
    }
    const lt = N.timeouts?.late;
    if (lt) {
      rows.push(['6. timeout lateness (ms after the deadline)', num(lt.native?.p50), num(lt.native?.p99), num(lt.shim?.p50), num(lt.shim?.p99), '', '',
        `earliest: native ${num(lt.native?.profile?.q[0])} ms, shim ${num(lt.shim?.profile?.q[0])} ms`]);
    }
    md.push(table(['workload', 'native p50', 'native p99', 'shim p50', 'shim p99', 'ratio p50', 'ratio p99', 'floor / notes'], rows));
    md.push('');
    md.push(scaleTables(N, 'Node', true));
    if (N.mutex) md.push(mutexTable(N.mutex));
    md.push(checksText(node.meta.checks, 'Node'));
    md.push('');
  }

  // Browser detail ---------------------------------------------------------------------------------------
  for (const e of br?.engines || []) {
    const W = e.workloads;
    md.push(`## ${e.label.replace(/ built on .*/, '')}: detail`);
    md.push('');
    md.push(`native = ${e.native}; shim = ${e.shim}. ${e.pages.length} pages, ${num(e.seconds)} s with browser start-ups. ` +
      (e.id === 'chromium' ? 'Chromium\'s isolated `performance.now()` moves in 5 µs steps (so small p50s are quantized).' :
        'Timer precision unclamped (privacy.reduceTimerPrecision off).'));
    md.push('');
    const rows = [];
    const row = (label, nat, sh, extra = '') => rows.push([label, num(nat?.p50), num(nat?.p99), num(sh?.p50), num(sh?.p99),
      rx(ratio(sh?.p50, nat?.p50)), rx(ratio(sh?.p99, nat?.p99)), extra]);
    row('1. ping-pong forward (page async-waits), round trip', W.forward.rtt.native, W.forward.rtt.shim,
      `hand-rolled helper ${num(W.forward.rtt.floor?.p50)} / ${num(W.forward.rtt.floor?.p99)}`);
    row('1. ping-pong reverse (worker async-waits, worker notifies), round trip', W.reverse.rtt.native, W.reverse.rtt.shim);
    rows.push(['floor: postMessage round trip page ↔ worker', '', '', '', '', '', '',
      `${num(W.postMessage.rtt.floor?.p50)} / ${num(W.postMessage.rtt.floor?.p99)}`]);
    row('2. same-agent notify → settled', W['same-agent'].settle.native, W['same-agent'].settle.shim);
    row('2. same-agent whole cycle (waitAsync + notify + await; batches of 20)', W['same-agent'].cycle?.native, W['same-agent'].cycle?.shim);
    for (const n of Object.keys(W.sync)) {
      const nat = W.sync[n].native;
      const sh = W.sync[n].shim;
      rows.push([`3. sync \`${n}\` (ns/call)`, num(nat?.p50), num(nat?.p99), num(sh?.p50), num(sh?.p99), rx(ratio(sh?.p50, nat?.p50)), rx(ratio(sh?.p99, nat?.p99)), '']);
    }
    const lt = W.timeouts.late;
    rows.push(['6. timeout lateness (ms)', num(lt.native?.p50), num(lt.native?.p99), num(lt.shim?.p50), num(lt.shim?.p99), '', '',
      `earliest: native ${num(lt.native?.profile?.q[0])} ms, shim ${num(lt.shim?.profile?.q[0])} ms; plain setTimeout(3) chain ${num(lt.setTimeout?.p50)} / ${num(lt.setTimeout?.p99)}`]);
    md.push(table(['workload', 'native p50', 'native p99', 'shim p50', 'shim p99', 'ratio p50', 'ratio p99', 'floor / notes'], rows));
    md.push('');
    md.push(scaleTables(W, short(e), false));
    md.push(checksText(e.checks, short(e)));
    md.push('');
  }

  // Charts ------------------------------------------------------------------------------------------------
  const latencyPanels = [];
  if (node) {
    latencyPanels.push(
      { title: `Node: forward round trip`, series: [
        { label: 'native', color: COLORS.native, profile: nodeFwd.native?.profile },
        { label: 'shim', color: COLORS.shim, profile: nodeFwd.shim?.profile },
        { label: 'hand-rolled helper', color: COLORS.floor, dash: '5,3', profile: nodeFwd.floor?.profile },
        { label: 'postMessage RTT', color: COLORS.postMessage, dash: '2,3', profile: nodePm?.profile },
      ] },
      { title: 'Node: reverse round trip', series: [
        { label: 'native', color: COLORS.native, profile: nodeRev.native?.profile },
        { label: 'shim', color: COLORS.shim, profile: nodeRev.shim?.profile },
      ] },
      { title: 'Node: same-agent notify → settled', series: [
        { label: 'native', color: COLORS.native, profile: nodeSame.native?.profile },
        { label: 'shim', color: COLORS.shim, profile: nodeSame.shim?.profile },
      ] },
    );
  }
  for (const e of br?.engines || []) {
    const W = e.workloads;
    latencyPanels.push(
      { title: `${short(e)}: forward round trip`, series: [
        { label: 'native', color: COLORS.native, profile: W.forward.rtt.native?.profile },
        { label: 'shim', color: COLORS.shim, profile: W.forward.rtt.shim?.profile },
        { label: 'hand-rolled helper', color: COLORS.floor, dash: '5,3', profile: W.forward.rtt.floor?.profile },
        { label: 'postMessage RTT', color: COLORS.postMessage, dash: '2,3', profile: W.postMessage.rtt.floor?.profile },
      ] },
      { title: `${short(e)}: reverse round trip`, series: [
        { label: 'native', color: COLORS.native, profile: W.reverse.rtt.native?.profile },
        { label: 'shim', color: COLORS.shim, profile: W.reverse.rtt.shim?.profile },
      ] },
      { title: `${short(e)}: same-agent notify → settled`, series: [
        { label: 'native', color: COLORS.native, profile: W['same-agent'].settle.native?.profile },
        { label: 'shim', color: COLORS.shim, profile: W['same-agent'].settle.shim?.profile },
      ] },
    );
  }
  if (latencyPanels.length) {
    charts.push(['latency.svg', cdfChart({ title: 'Latency distributions (cumulative; all runs pooled), shim vs native', panels: latencyPanels })]);
  }
  const timeoutPanels = [];
  if (N.timeouts) {
    timeoutPanels.push({ title: 'Node: timeout lateness', unit: 'ms after the deadline', linear: true, series: [
      { label: 'native', color: COLORS.native, profile: N.timeouts.late.native?.profile },
      { label: 'shim', color: COLORS.shim, profile: N.timeouts.late.shim?.profile },
    ] });
  }
  for (const e of br?.engines || []) {
    timeoutPanels.push({ title: `${short(e)}: timeout lateness`, unit: 'ms after the deadline', linear: true, series: [
      { label: 'native', color: COLORS.native, profile: e.workloads.timeouts.late.native?.profile },
      { label: 'shim', color: COLORS.shim, profile: e.workloads.timeouts.late.shim?.profile },
      { label: 'setTimeout(3) chain', color: COLORS.floor, dash: '5,3', profile: e.workloads.timeouts.late.setTimeout?.profile },
    ] });
  }
  if (timeoutPanels.length) charts.push(['timeouts.svg', cdfChart({ title: '"timed-out" lateness (negative = settled before the deadline)', panels: timeoutPanels })]);

  const scalePanels = [];
  const sources = [];
  if (node) sources.push(['Node', N]);
  for (const e of br?.engines || []) sources.push([short(e), e.workloads]);
  const settlePanel = { title: 'One address: notify-all → all settled', xLabel: 'pending waiters', yLabel: 'ms', series: [] };
  const createPanel = { title: 'One address: waitAsync cost per waiter', xLabel: 'pending waiters', yLabel: 'µs per waiter', series: [] };
  const armPanel = { title: 'Distinct addresses: time to arm', xLabel: 'addresses (10 waiters each)', yLabel: 'ms until armed', series: [] };
  const dashes = ['', '6,3', '2,3'];
  sources.forEach(([name, W], k) => {
    for (const mode of ['native', 'shim']) {
      const color = mode === 'native' ? COLORS.native : COLORS.shim;
      const so = W['scale-one'];
      if (so?.sizes) {
        settlePanel.series.push({ label: `${name} ${mode}`, color, dash: dashes[k % 3],
          points: so.sizes.map((n) => [n, scaleField(so[mode][n], 'settleMs')]).filter(([, v]) => Number.isFinite(v)) });
        createPanel.series.push({ label: `${name} ${mode}`, color, dash: dashes[k % 3],
          points: so.sizes.map((n) => [n, scaleField(so[mode][n], 'createMs') * 1000 / n]).filter(([, v]) => Number.isFinite(v)) });
      }
      const sa = W['scale-addresses'];
      if (sa?.sizes) {
        armPanel.series.push({ label: `${name} ${mode}`, color, dash: dashes[k % 3],
          points: sa.sizes.map((a) => [a, scaleField(sa[mode][a], 'armMs')]).filter(([, v]) => Number.isFinite(v)) });
      }
    }
  });
  scalePanels.push(settlePanel, createPanel, armPanel);
  if (sources.length) charts.push(['scale.svg', curveChart({ title: 'Scale: one address, and many addresses (shim red, native blue)', panels: scalePanels })]);

  md.push(observations(node, br));

  md.push('## Charts');
  md.push('');
  for (const [file] of charts) md.push(`![${file}](${file})`);
  md.push('');
  md.push('- **latency.svg**: cumulative distributions (x: µs, log scale; y: percentile, p0–p90 linear on the lower half, ' +
    'the tail p90–p99.9 stretched over the upper half). ' +
    'Curves further left are faster; the dashed grey curve is the hand-rolled helper (the floor for any helper-based shim).');
  md.push('- **timeouts.svg**: how long after its deadline `"timed-out"` settled; left of 0 = before the deadline.');
  md.push('- **scale.svg**: settle time for one notify-all, creation cost per waiter, and time until every address has a helper blocked on it.');
  md.push('');

  fs.mkdirSync(DIR, { recursive: true });
  for (const [file, svg] of charts) fs.writeFileSync(path.join(DIR, file), svg);
  fs.writeFileSync(path.join(DIR, 'REPORT.md'), md.join('\n') + '\n');
  log(`report: wrote ${path.relative(process.cwd(), path.join(DIR, 'REPORT.md'))}${charts.map(([f]) => ', ' + f).join('')}`);
}

/** What the benches showed besides speed: counts from the checks, with what they mean. */
function observations(node, br) {
  const out = ['## Observations', ''];
  const all = [];
  if (node) all.push([`Node ${node.meta.node}`, node.meta.checks, node.workloads]);
  for (const e of br?.engines || []) all.push([short(e), e.checks, e.workloads]);
  const sum = (o, pred = () => true) => Object.entries(o || {}).filter(([k]) => pred(k)).reduce((a, [, v]) => a + v, 0);
  const rounds = (W) => ['forward', 'pingpong-forward', 'reverse', 'pingpong-reverse']
    .map((k) => W[k]?.rtt?.shim?.runs?.reduce((a, r) => a + r.n, 0) || 0).reduce((a, b) => a + b, 0);

  const spur = all.map(([n, c, W]) => `${n} ${sum(c.spuriousWakeups, (k) => k.endsWith('shim'))} in ${num(rounds(W))} shim round trips` +
    (sum(c.spuriousWakeups, (k) => k.includes('floor')) ? ` (and ${sum(c.spuriousWakeups, (k) => k.includes('floor'))} for the hand-rolled helper)` : '') +
    `, native ${sum(c.spuriousWakeups, (k) => k.endsWith('native'))}`).join('; ');
  const anySpur = all.some(([, c]) => sum(c.spuriousWakeups, (k) => k.endsWith('shim')) > 0);
  const floorSpur = all.some(([, c]) => sum(c.spuriousWakeups, (k) => k.includes('floor')) > 0);
  out.push(`- **Wakeups with the value unchanged** (a promise settled \`"ok"\`, the value was still the one it waited on): ` +
    `${spur}. ${anySpur ? 'How' : 'None in this run; how they arise in other runs'}: when a helper arms after another agent's ` +
    'store but before its notify, it takes the changed value as the wakeup (so store-then-notify is never lost) and the ' +
    'waiter settles before the notify; the program then starts its next wait, and the notify, issued while that new ' +
    'waiter is queued, wakes it. Per the spec a notify wakes whoever is waiting when it runs, so this is not a lost or ' +
    'invented notify, but natively the earlier waiter would still have been there to absorb it. ' +
    (floorSpur ? 'The hand-rolled helper shows the same effect: it comes with treating a changed value as a wakeup. ' : '') +
    'Code that re-checks its condition after waking (as the benches do, counting these) is unaffected; code that takes ' +
    '`"ok"` to mean "the value changed" was never safe (a notify without a store does the same natively).');
  const notifyCounts = all.map(([n, , W]) => {
    const so = W['scale-one'];
    if (!so?.sizes) return null;
    const big = Math.max(...so.sizes);
    return `${n}: ${num(scaleField(so.native[big], 'notifyReturned'))} native vs ${num(scaleField(so.shim[big], 'notifyReturned'))} shim for ${num(big)} waiters`;
  }).filter(Boolean);
  if (notifyCounts.length) {
    out.push(`- **\`notify\` from another agent counts helpers, not waiters**: the store-then-notify-all in the scale ` +
      `workload returned ${notifyCounts.join('; ')} (every waiter did settle "ok").`);
  }
  const early = all.map(([n, c]) => `${n}: native ${sum(c.earlyTimeouts, (k) => k === 'native')}, shim ${sum(c.earlyTimeouts, (k) => k === 'shim')}`).join('; ');
  const earliest = all.map(([n, , W]) => `${n} ${num(W.timeouts?.late?.native?.profile?.q[0])} ms`).join(', ');
  out.push(`- **Native timeouts may settle early**: "timed-out" before its deadline (of ${node ? num(node.meta.params.seqTimeouts + node.meta.params.concTimeouts) : '–'} ` +
    `waits per mode and run in Node, 115 in browsers): ${early}. Earliest native: ${earliest}. The shim never settles before the deadline.`);
  const late = (br?.engines || []).map((e) => `${short(e)} shim ${num(e.workloads.timeouts.late.shim?.p50)} ms vs native ${num(e.workloads.timeouts.late.native?.p50)} ms`);
  if (late.length) {
    out.push(`- **Browser timeouts are late by setTimeout's clamp**: p50 lateness ${late.join('; ')}. The shim's one deadline timer is ` +
      'a `setTimeout`, re-armed from inside the previous timer task, so HTML\'s nesting clamp (≥ 4 ms after five nested timers) ' +
      `applies: a plain chain of \`setTimeout(3)\` on the same pages was ${(br?.engines || []).map((e) => `${short(e)} ${num(e.workloads.timeouts.late.setTimeout?.p50)} ms`).join(', ')} late (p50).`);
  }
  const sa = node?.workloads['scale-addresses'];
  if (sa?.sizes) {
    const per = sa.sizes.map((a) => `${a}: ${num(scaleField(sa.shim[a], 'armMs') / a)} ms`).join(', ');
    const big = Math.max(...sa.sizes);
    out.push(`- **Helpers are whole threads**: arming cost per address in Node (time until armed ÷ addresses) ${per}; ` +
      `${num(scaleField(sa.shim[big], 'mem.rssDeltaMB') / scaleMax(sa.shim[big], 'helpersMax'))} MB RSS per helper at ${big}. ` +
      `\`waitAsync\` itself takes ${num(scaleField(sa.shim[big], 'createMs') / big)} ms per new address at ${big} addresses ` +
      '(`new Worker` runs inside the call, competing with the helpers still starting on 2 cores).');
  }
  out.push('');
  return out.join('\n');
}

function short(e) {
  if (e.id === 'webkit') return `WebKitGTK ${(e.label.match(/\d+\.\d+/) || [''])[0]}`;
  return e.id === 'chromium' ? `Chromium ${(e.label.match(/\d+/) || [''])[0]}` : `Firefox ${(e.label.match(/\d+/) || [''])[0]}`;
}

// ---- call durations (calls.json; bench/lib/calls.mjs) ------------------------------------------------

/** [key, label, unit divisor]: the burst is shown in ms, the calls in µs. */
const CALLS = [['waitAsync', '`waitAsync` (→ promise; a worker settles it), µs', 1], ['notify', 'same-thread `notify(…, 1)` (wakes 1), µs', 1],
  ['burst', 'one task starting 50 waits (one address), **ms**', 1000]];

/** calls.json as a list of hosts: Node first, then the browser engines. */
function callHosts(c) {
  if (!c) return [];
  const hosts = [];
  if (c.node) {
    hosts.push({ name: `Node ${c.node.meta.node}`, meta: c.node.meta, C: c.node.calls, checks: c.node.meta.checks, browser: false });
  }
  for (const e of Object.values(c.browsers || {})) {
    hosts.push({ name: short(e), meta: e.meta, C: e.calls, checks: e.checks, native: e.native, shim: e.shim, browser: true });
  }
  const callsCount = (o) => Object.entries(o || {}).filter(([k]) => k.startsWith('calls ')).reduce((a, [, v]) => a + v, 0);
  // Samples per chunk, from the first run of each series.
  for (const h of hosts) {
    h.rounds = h.C.idle?.waitAsync.native?.runs[0]?.n;
    h.bursts = h.C.idle?.burst.native?.runs[0]?.n;
    h.lost = callsCount(h.checks?.lostWakeups);
    h.spurious = callsCount(h.checks?.spuriousWakeups);
  }
  return hosts;
}

/** The pooled maximum of a Series (its profile's 100th percentile). */
const maxOf = (s) => s?.profile?.q[100];
const stepNote = (h) => (h.C.timerStepUs >= 1 ? ` (timer step ${num(h.C.timerStepUs)} µs)` : '');

function callTargets(hosts) {
  const rows = [];
  for (const h of hosts) {
    const c = h.C.idle;
    if (!c) continue;
    const fit = (k) => c[k].shim?.p50 <= 2 * c[k].native?.p50 + 1;
    const part = (k) => `${k} ${num(c[k].shim?.p50)} vs ${num(c[k].native?.p50)} µs`;
    rows.push([`${h.name}: \`waitAsync\` and same-thread \`notify\` calls p50 ≤ 2× native + 1 µs (idle)`,
      `${part('waitAsync')}; ${part('notify')}${stepNote(h)}`, ok(fit('waitAsync') && fit('notify')),
      fit('waitAsync') && fit('notify') ? '' : 'engine v2: the caller waits for helper threads (`waitAsync` until its helper is queued, ' +
        '`notify` until the helpers it woke show it); issue 17\'s v3 makes calls that never wait']);
    if (!h.browser) continue;
    const n = (k, mode) => c.over1ms[k]?.[mode] || 0;
    const calls = (mode) => n('waitAsync', mode) + n('notify', mode);
    const total = (c.waitAsync.shim?.profile?.n || 0) + (c.notify.shim?.profile?.n || 0);
    const good = calls('shim') === 0 && maxOf(c.burst.shim) <= 1000;
    rows.push([`${h.name}: no call over 1 ms, a burst of 50 waits ≤ 1 ms (idle window)`,
      `calls over 1 ms: shim ${calls('shim')} of ${num(total)}, native ${calls('native')}; burst p50 ${num(c.burst.shim?.p50 / 1000)} ms, ` +
        `max ${num(maxOf(c.burst.shim) / 1000)} ms (native ${num(c.burst.native?.p50 / 1000)} / ${num(maxOf(c.burst.native) / 1000)} ms)`,
      ok(good), good ? '' : 'engine v2: every `waitAsync` waits until its helper is queued (spinning, in a window) and may start a helper (`new Worker`) inside the call']);
  }
  return rows;
}

function callsSection(hosts) {
  if (!hosts.length) return '';
  const out = ['## Call durations: `waitAsync` and `notify` in the calling thread', ''];
  out.push('Workload 8 (bench/README.md): how long the calls themselves block the thread that makes them, from ' +
    '`performance.now()` around each call (the burst: around the task\'s 50 calls). Each round the thread ' +
    '`waitAsync`s (timeout 10 s) on a word that a worker partner, blocked in `Atomics.wait`, stores and notifies once ' +
    'this thread has pinged it (a ping-pong); meanwhile it starts a second wait of its own and times the `notify(…, 1)` ' +
    'that wakes it. Then bursts: one task starts 50 waits on one address, which one notify then settles. **busy**: two ' +
    'more workers spin in a busy loop the whole time (the machine has 2 cores). p50 and p99 are medians across runs; ' +
    '**max** is over all runs pooled. Timer steps: ' + hosts.map((h) => `${h.name} ${num(h.C.timerStepUs)} µs`).join(', ') +
    ' (the smallest change of `performance.now()` seen; a figure of 0 means below one step).');
  out.push('');
  const rows = [];
  for (const h of hosts) {
    for (const cond of ['idle', 'busy']) {
      const c = h.C[cond];
      if (!c) continue;
      for (const [k, label, div] of CALLS) {
        const nat = c[k].native;
        const sh = c[k].shim;
        const over = c.over1ms[k] || {};
        const r50 = ratio(sh?.p50, nat?.p50);
        const v = (x) => num(x / div);
        rows.push([h.name, cond, label, v(nat?.p50), v(nat?.p99), v(maxOf(nat)), v(sh?.p50), v(sh?.p99), v(maxOf(sh)),
          nat?.p50 > 0 ? rx(r50) : '– (native below a step)', rx(ratio(sh?.p99, nat?.p99)),
          `${over.native || 0} / ${over.shim || 0} of ${num(sh?.profile?.n)}`]);
      }
    }
  }
  out.push(table(['host', 'threads', 'call', 'native p50', 'native p99', 'native max', 'shim p50', 'shim p99', 'shim max',
    'ratio p50', 'ratio p99', 'over 1 ms native / shim'], rows, 'lllrrrrrrrrr'));
  out.push('');
  out.push(`Warm-up rounds and the first 3 bursts of each chunk are dropped, so the first burst in a page or process (which starts helpers) is ` +
    'not in these figures. Checks (not timing), lost wakeups / wakeups with the value unchanged, both modes: ' +
    hosts.map((h) => `${h.name} ${h.lost} / ${h.spurious}`).join(', ') + '.');
  out.push('');
  out.push('The shim is engine v2 (exact across threads because the caller waits for its helpers): these are the ' +
    'baseline that issue 17\'s engine v3 (a caller that never waits) must beat; its targets are DESIGN §4 "Calls".');
  out.push('');
  return out.join('\n');
}

function syncKeys(node, br) {
  const s = new Set(Object.keys(node?.workloads?.sync || {}));
  for (const e of br?.engines || []) for (const k of Object.keys(e.workloads.sync)) s.add(k);
  return [...s];
}

function syncWhy(name) {
  if (name === 'TypeError-unshared') {
    return 'a view of a non-shared buffer: the brand check (the SharedArrayBuffer byteLength getter captured at load) ' +
      'throws and catches one TypeError internally before the real one is thrown, so this path builds two errors with ' +
      'stack traces where native builds one.';
  }
  return 'see the detail table.';
}

function nodeHeadline(N, k) {
  const S = (w, m, mode) => N[w]?.[m]?.[mode];
  switch (k) {
    case 'fwd': return rx(ratio(S('pingpong-forward', 'rtt', 'shim')?.p50, S('pingpong-forward', 'rtt', 'native')?.p50));
    case 'fwd1': return rx(ratio(S('pingpong-forward', 'oneWay', 'shim')?.p50, S('pingpong-forward', 'oneWay', 'native')?.p50));
    case 'floor': return rx(ratio(S('pingpong-forward', 'rtt', 'floor')?.p50, S('pingpong-forward', 'rtt', 'native')?.p50));
    case 'rev': return rx(ratio(S('pingpong-reverse', 'rtt', 'shim')?.p50, S('pingpong-reverse', 'rtt', 'native')?.p50));
    case 'same': return rx(ratio(S('same-agent', 'settle', 'shim')?.p50, S('same-agent', 'settle', 'native')?.p50));
    case 'cycle': return rx(ratio(S('same-agent', 'cycle', 'shim')?.p50, S('same-agent', 'cycle', 'native')?.p50));
    case 'late': {
      const t = N.timeouts?.late;
      return t ? `${num(t.shim?.p50 - t.native?.p50)} ms` : '–';
    }
    case 'one': return oneHeadline(N['scale-one']);
    case 'mutex': {
      const r = mutexRows(N.mutex).find((x) => x.M === 64);
      return r ? `${rx(r.timeRatio)} / ${rx(r.wastedRatio)}` : '–';
    }
    default:
      if (k.startsWith('sync:')) {
        const s = N.sync?.[k.slice(5)];
        return s ? rx(ratio(s.shim?.p50, s.native?.p50)) : '–';
      }
      return '–';
  }
}

function browserHeadline(W, k) {
  switch (k) {
    case 'fwd': return rx(ratio(W.forward.rtt.shim?.p50, W.forward.rtt.native?.p50));
    case 'fwd1': return '–';
    case 'floor': return rx(ratio(W.forward.rtt.floor?.p50, W.forward.rtt.native?.p50));
    case 'rev': return rx(ratio(W.reverse.rtt.shim?.p50, W.reverse.rtt.native?.p50));
    case 'same': return W['same-agent'].settle.native?.p50 > 0
      ? rx(ratio(W['same-agent'].settle.shim?.p50, W['same-agent'].settle.native?.p50)) : 'both < 5 µs timer step';
    case 'cycle': return rx(ratio(W['same-agent'].cycle?.shim?.p50, W['same-agent'].cycle?.native?.p50));
    case 'late': {
      const t = W.timeouts.late;
      return `${num(t.shim?.p50 - t.native?.p50)} ms`;
    }
    case 'one': return oneHeadline(W['scale-one']);
    default:
      if (k.startsWith('sync:')) {
        const s = W.sync[k.slice(5)];
        return s ? rx(ratio(s.shim?.p50, s.native?.p50)) : '–';
      }
      return '–';
  }
}

function oneHeadline(so) {
  if (!so?.sizes) return '–';
  const big = Math.max(...so.sizes);
  return `${rx(ratio(scaleField(so.shim[big], 'settleMs'), scaleField(so.native[big], 'settleMs')))} (${num(big)} waiters)`;
}

/** The async-mutex workload per M: medians across runs, native and shim, and their ratios. */
function mutexRows(mx) {
  if (!mx?.sizes) return [];
  const pick = (runs, f) => med(okRuns(runs).map(f).filter((v) => typeof v === 'number'));
  return mx.sizes.map((M) => {
    const side = (mode) => {
      const runs = mx[mode][M];
      return {
        runs: okRuns(runs).length,
        wallMs: pick(runs, (r) => r.wallMs),
        // wasted wakeups of the whole run: this thread's tasks and the worker
        wasted: pick(runs, (r) => r.wasted + r.worker.wasted),
        mainWasted: pick(runs, (r) => r.wasted),
        wakeups: pick(runs, (r) => r.wakeups + r.worker.wakeups),
        workerAcq: pick(runs, (r) => r.worker.acquisitions),
        timeouts: okRuns(runs).reduce((a, r) => a + r.timeouts + r.worker.timeouts, 0),
        acquisitions: pick(runs, (r) => r.acquisitions),
      };
    };
    const native = side('native');
    const shim = side('shim');
    return {
      M, native, shim,
      timeRatio: ratio(shim.wallMs, native.wallMs),
      wastedRatio: ratio(shim.wasted, native.wasted),
      wastedOk: native.wasted > 0 ? shim.wasted / native.wasted <= 3 : shim.wasted === 0,
    };
  });
}

function mutexTable(mx) {
  const rows = mutexRows(mx);
  if (!rows.length) return '';
  const p = mx.params || {};
  const out = [];
  out.push(`**7. Node: async-mutex contention** (medians over ${Math.max(...rows.map((r) => r.native.runs))} runs). ` +
    `M async tasks in the main thread share ${num(mx.acquisitions)} acquisitions of one lock word (CAS 0 → 1; on failure ` +
    '`waitAsync` on 1), each held across an `await` (a `setImmediate`), released with store 0 + `notify(…, 1)`, then one more ' +
    '`await` outside the lock; one worker contends the whole time with sync `Atomics.wait` ' +
    `(holds ${num(p.holdUs)} µs, sleeps ${num(p.gapMs)} ms between). Wasted wakeup: a wait that settled "ok" and whose ` +
    `CAS then failed (main thread and worker); timeouts: waits that ran out their ${num(p.lostMs)} ms (a lost wakeup or a very long wait), summed over runs.`);
  out.push('');
  out.push(table(['M', 'native ms', 'shim ms', 'time ratio', 'native wasted', 'shim wasted', 'wasted ratio', 'wakeups native / shim',
    'worker acquisitions native / shim', 'timeouts native / shim'],
  rows.map((r) => [r.M, num(r.native.wallMs), num(r.shim.wallMs), rx(r.timeRatio), num(r.native.wasted), num(r.shim.wasted),
    r.native.wasted > 0 ? rx(r.wastedRatio) : `– (native ${num(r.native.wasted)})`, `${num(r.native.wakeups)} / ${num(r.shim.wakeups)}`,
    `${num(r.native.workerAcq)} / ${num(r.shim.workerAcq)}`, `${r.native.timeouts} / ${r.shim.timeouts}`])));
  out.push('');
  const note = starvedNote(rows);
  if (note) out.push(note, '');
  return out.join('\n');
}

/** Where the worker got far fewer acquisitions with the shim than with native: a fairness gap, not speed. */
function starvedNote(rows) {
  const starved = rows.filter((r) => r.native.workerAcq >= 20 && r.shim.workerAcq < r.native.workerAcq / 4);
  if (!starved.length) return '';
  return `With the shim the worker took the lock ${starved.map((r) => `${num(r.shim.workerAcq)} times at M = ${r.M} (native ${num(r.native.workerAcq)})`).join(', ')}: ` +
    'the release here (`notify(…, 1)` in this thread) served this thread\'s waiters ahead of the worker waiting longer ' +
    '(a same-thread notify settles this thread\'s own waiters first: README, "Across agents"), so the tasks here met less ' +
    'contention than natively and their wall time is not the same contest.';
}

function scaleTables(W, name, memory) {
  const out = [];
  const so = W['scale-one'];
  if (so?.sizes) {
    out.push(`**4. ${name}: waiters on one address, one store-then-notify-all from another agent** (medians over ` +
      `${Math.max(...so.sizes.map((n) => okRuns(so.native[n]).length))} runs; each run a fresh ${memory ? 'process' : 'page state'}).`);
    out.push('');
    const head = ['waiters', 'mode', 'waitAsync µs/waiter', 'armed after ms', 'notify → all settled ms', 'helpers (max)', 'notify returned', 'not "ok"'];
    if (memory) head.push('heap B/waiter', 'RSS B/waiter');
    const rows = [];
    for (const n of so.sizes) {
      for (const mode of ['native', 'shim']) {
        const runs = so[mode][n];
        const errs = (runs || []).filter((r) => r && r.error).length;
        const r = [num(n), mode, num(scaleField(runs, 'createMs') * 1000 / n), num(scaleField(runs, 'armMs')), num(scaleField(runs, 'settleMs')),
          String(scaleMax(runs, 'helpersMax')), num(scaleField(runs, 'notifyReturned')), String(scaleSum(runs, 'notOk')) + (errs ? ` (${errs} runs failed)` : '')];
        if (memory) r.push(num(scaleField(runs, 'mem.heapPerWaiter')), num(scaleField(runs, 'mem.rssPerWaiter')));
        rows.push(r);
      }
    }
    out.push(table(head, rows));
    out.push('');
    if (memory) {
      out.push('Memory per pending waiter: `process.memoryUsage()` after two `gc()` calls, before and after creating the ' +
        'waiters (each holding its promise and one `.then`). Native waiters also hold memory outside the JS heap (V8\'s ' +
        'waiter-list nodes), visible in RSS only. The shim\'s RSS includes its one helper thread (a Node worker, several MB), ' +
        'which dominates at small counts.');
      out.push('');
    }
  }
  const sa = W['scale-addresses'];
  if (sa?.sizes) {
    out.push(`**5. ${name}: ${sa.perAddress} waiters on each of N distinct addresses** (armed = every address has a helper blocked on it, ` +
      'from `stats().blocked`; native waiters are armed when `waitAsync` returns).');
    out.push('');
    const head = ['addresses', 'mode', 'runs', 'waitAsync total ms', 'armed after ms', 'notify → all settled ms', 'helpers (max)'];
    if (memory) head.push('RSS MB', 'RSS MB per helper');
    const rows = [];
    for (const a of sa.sizes) {
      for (const mode of ['native', 'shim']) {
        const runs = sa[mode][a];
        const r = [num(a), mode, String(okRuns(runs).length) + ((runs || []).some((x) => x && x.error) ? ' (+failed)' : ''),
          num(scaleField(runs, 'createMs')), num(scaleField(runs, 'armMs')), num(scaleField(runs, 'settleMs')), String(scaleMax(runs, 'helpersMax'))];
        if (memory) {
          const rss = scaleField(runs, 'mem.rssDeltaMB');
          const h = scaleMax(runs, 'helpersMax');
          r.push(num(rss), mode === 'shim' && h > 0 ? num(rss / h) : '–');
        }
        rows.push(r);
      }
    }
    out.push(table(head, rows));
    out.push('');
    const mh = okRuns(sa.shim[Math.max(...sa.sizes)])[0]?.maxHelpers;
    if (mh) out.push(`The package's default \`maxHelpers\` is 512, so the ${Math.max(...sa.sizes)}-address step sets \`configure({ maxHelpers: ${mh} })\`.`);
    out.push('');
  }
  return out.join('\n');
}

function checksText(c, name) {
  if (!c) return '';
  const list = (o) => Object.entries(o || {}).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
  const lines = [`**Checks seen by the ${name} bench** (not timing):`, ''];
  lines.push(`- lost wakeups (a wait that never settled "ok"): ${list(c.lostWakeups)}`);
  lines.push(`- wakeups with the value unchanged (settled "ok"; the bench re-checks and waits again, as ` +
    `condition-variable code must; see Observations): ${list(c.spuriousWakeups)}`);
  lines.push(`- "timed-out" that settled as something else: ${list(c.wrongTimeouts)}`);
  lines.push(`- "timed-out" settled before its deadline: ${list(c.earlyTimeouts)}`);
  if (c.errors && c.errors.length) lines.push(`- errors: ${c.errors.join('; ')}`);
  lines.push('');
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeReport({ log: console.log, dir: process.argv[2] ? path.resolve(process.argv[2]) : RESULTS });
}

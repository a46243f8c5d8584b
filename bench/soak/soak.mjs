// `npm run soak`: the shim (native Atomics.waitAsync deleted) and V8's native side by side, one
// fresh process each (bench/soak/run-one.mjs, --expose-gc), Node 20:
//   1. 1,000,000 cross-thread wait/notify cycles, random timeouts, store-then-notify from another
//      thread: no waiter lost, none early, none pending past its deadline, no invented "ok";
//   2. 2 rounds of 10,000 short-lived SharedArrayBuffers each waited on once: helperBuffers → 0,
//      heap and RSS of the second round within 10% of the first's (steady state: no growth), and
//      helpers → 0 after idleTimeout;
//   3. the documented notify-without-store window: 30,000 notifies sent 0–1 ms after waitAsync
//      returned, how many found no waiter (a reported figure, not a check).
// Options: --cycles=n --sabs=n --window=n --only=shim|native. Writes bench/results/soak.json;
// exits 1 if a check failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, d) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : d;
};
const P = { cycles: arg('cycles', '1000000'), sabs: arg('sabs', '10000'), window: arg('window', '30000'), rounds: '2', idle: '5000' };
const modes = arg('only', 'shim,native').split(',');

export function runOne(mode, p) {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', path.join(HERE, 'run-one.mjs'), `--mode=${mode}`,
      ...Object.entries(p).map(([k, v]) => `--${k}=${v}`)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let outText = '';
    child.stdout.on('data', (d) => { outText += d; });
    child.on('exit', (code) => {
      try { resolve(JSON.parse(outText.trim().split('\n').pop())); } catch (e) { reject(new Error(`${mode}: exit ${code}, ${outText}`)); }
    });
  });
}

/** The checks a soak result must pass (shim: all; native: those that do not concern helpers). */
export function checks(r) {
  const out = [];
  const c = r.cycleResults;
  const ck = (name, pass, detail) => out.push({ name, pass: !!pass, detail });
  if (c) {
    const settled = c.ok + c['timed-out'] + c['not-equal'];
    ck('every cycle settled', settled === r.cycles && c.pendingAfter === 0, `${settled} of ${r.cycles}`);
    ck('no waiter lost (store then notify)', c.lost === 0, `${c.lost}`);
    if (r.mode === 'shim') ck('none early', c.early === 0, `${c.early} (by up to ${c.maxEarlyMs} ms)`);
    ck('none pending 5 s past its deadline', c.late === 0, `${c.late}; latest ${c.maxLateMs} ms`);
    ck('no invented "ok"', c.invented === 0, `${c.invented}`);
  }
  const b = r.buffers;
  if (b) {
    for (const [i, x] of b.rounds.entries()) {
      ck(`buffers round ${i + 1}: every wait woken`, x.woken === x.sabs && x.counted === x.sabs, `${x.woken} woken, notify counted ${x.counted}`);
      ck(`buffers round ${i + 1}: helperBuffers forgotten with helpers alive (≤ 1 left)`, x.helperBuffersAfter <= 1 && (r.mode !== 'shim' || x.helpersAtFree > 0),
        `${x.helperBuffersHeld} → ${x.helperBuffersAfter} in ${x.helperBuffersFreedMs} ms, ${x.helpersAtFree} helpers alive`);
    }
    const [r1, r2] = b.rounds;
    if (r2) {
      ck('heap after round 2 within 10% of round 1 (steady state)', r2.heapMiB <= r1.heapMiB * 1.1, `${r1.heapMiB} → ${r2.heapMiB} MiB (base ${b.baseHeapMiB})`);
      ck('RSS after round 2 within 10% of round 1 (steady state)', r2.rssMiB <= r1.rssMiB * 1.1, `${r1.rssMiB} → ${r2.rssMiB} MiB (base ${b.baseRssMiB})`);
    }
    ck('helperBuffers → 0 once helpers retired', b.retire.helperBuffersAfter === 0, `${b.retire.helperBuffersAfter}`);
    ck('helpers → 0 after idleTimeout', b.retire.helpersAfter === 0 && (r.mode !== 'shim' || b.retire.helpersBefore > 0), `${b.retire.helpersBefore} → ${b.retire.helpersAfter} in ${b.retire.retiredMs} ms (idleTimeout ${b.retire.idleTimeout})`);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = {};
  let failed = 0;
  for (const mode of modes) {
    const t0 = Date.now();
    console.log(`${mode}: ${P.cycles} cycles, ${P.sabs} × ${P.rounds} buffers, window ${P.window} …`);
    const r = await runOne(mode, P);
    r.wallSeconds = Math.round((Date.now() - t0) / 1000);
    r.checks = checks(r);
    results[mode] = r;
    const c = r.cycleResults;
    if (c) {
      console.log(`  cycles: ${c.seconds} s: ok ${c.ok}, timed-out ${c['timed-out']}, not-equal ${c['not-equal']}; lost ${c.lost}, early ${c.early} (max ${c.maxEarlyMs} ms), late ${c.late} (latest ${c.maxLateMs} ms past), invented ${c.invented}, ok-from-earlier-store ${c.okFromEarlierStore}; notify counted ${c.notifyWoken}; heap ${c.heapMiB.join(' → ')} MiB, RSS ${c.rssMiB.join(' → ')} MiB`);
    }
    if (r.buffers) {
      const b = r.buffers;
      for (const [i, x] of b.rounds.entries()) console.log(`  buffers round ${i + 1}: ${x.sabs} in ${x.seconds} s; helperBuffers ${x.helperBuffersHeld} → ${x.helperBuffersAfter} in ${x.helperBuffersFreedMs} ms; heap ${x.peakHeapMiB} → ${x.heapMiB} MiB, RSS ${x.peakRssMiB} → ${x.rssMiB} MiB`);
      console.log(`  base heap ${b.baseHeapMiB} MiB, RSS ${b.baseRssMiB} MiB; helpers ${b.retire.helpersBefore} → ${b.retire.helpersAfter} in ${b.retire.retiredMs} ms; end heap ${b.endHeapMiB}, RSS ${b.endRssMiB} MiB`);
    }
    if (r.window) console.log(`  notify without a store 0–1 ms after waitAsync returned: ${r.window.missed} of ${r.window.n} found no waiter`);
    for (const x of r.checks) {
      console.log(`  ${x.pass ? 'ok  ' : 'FAIL'} ${x.name}: ${x.detail}`);
      if (!x.pass) failed++;
    }
  }
  const file = path.join(HERE, '../results/soak.json');
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), host: `${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`, params: P, results }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), file)}; ${failed ? `${failed} check(s) FAILED` : 'all checks passed'}`);
  process.exit(failed ? 1 : 0);
}

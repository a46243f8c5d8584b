// `npm run bench:browsers`: the shim against a native Atomics.waitAsync of the same engine, in the
// same run, in real browsers (the server and launchers of test/browser):
//   - Chromium: native, and the shim with Atomics.waitAsync deleted in the page and every worker
//     (one browser session, pages alternating native/shim);
//   - Firefox ESR 140: the shim (as shipped, no native waitAsync), and native through the hidden
//     pref javascript.options.atomics_wait_async=true in a second profile (launches alternate);
//   - WebKitGTK's MiniBrowser (only when named in --only): as Chromium, one session under Xvfb.
// Firefox profiles also unclamp performance.now() (privacy.reduceTimerPrecision off).
// Each page is one run of every workload (bench/browser/bench.mjs); results are pooled like the
// Node bench: per-run median and p99, medians across runs.
//
// Options: --runs=<n> (default 3), --quick, --verbose, --no-report,
//   --only=<list> of engines (chromium, firefox-140, webkit; default chromium,firefox-140) and/or
//     steps of bench.mjs (STEPS below; default all), e.g. --only=calls,chromium,webkit,
//   --out=<file> (default bench/results/browsers.json; the calls step goes to calls.json next to it,
//     replacing only the engines run; browsers.json is written only when another step ran).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, startServer } from '../../test/browser/server.mjs';
import { launchChromium, launchFirefox, launchWebKit, MINIBROWSER } from '../../test/browser/browsers.mjs';
import { roundAll, seriesOf } from '../lib/stats.mjs';
import { parseArgs } from '../lib/args.mjs';
import { poolCalls } from '../lib/calls.mjs';
import { saveCalls, writeJson } from '../lib/results.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BENCH = path.resolve(HERE, '..');
const PAGE_TIMEOUT = 150000;

const opts = parseArgs(process.argv.slice(2), { runs: 3, out: path.join(BENCH, 'results/browsers.json') });
const ENGINES = ['chromium', 'firefox-140', 'webkit'];
const STEPS = ['postMessage', 'forward', 'forwardFloor', 'reverse', 'sameAgent', 'calls', 'sync', 'timeouts', 'scaleOne', 'scaleAddresses'];
const only = [...(opts.only || [])];
for (const x of only) if (!ENGINES.includes(x) && !STEPS.includes(x)) throw new Error(`--only: ${x} is neither an engine (${ENGINES}) nor a step (${STEPS})`);
const engineIds = only.some((x) => ENGINES.includes(x)) ? only.filter((x) => ENGINES.includes(x)) : ['chromium', 'firefox-140'];
const steps = only.some((x) => STEPS.includes(x)) ? only.filter((x) => STEPS.includes(x)) : null;
const Q = opts.quick
  ? { rounds: 100, warm: 20, one: '1000,10000', addr: '10' }
  : { rounds: 500, warm: 50, one: '1000,10000,100000', addr: '10,100' };

const TIMER_PREFS = { 'privacy.reduceTimerPrecision': false, 'privacy.reduceTimerPrecision.unconditional': false };
const NATIVE_PREF = { 'javascript.options.atomics_wait_async': true };

function manifest() {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, '.cache/engines/engines.json'), 'utf8'));
  } catch {
    return {};
  }
}
function version(exe) {
  const r = spawnSync(exe, ['--version'], { encoding: 'utf8', env: { ...process.env, MOZ_HEADLESS: '1' } });
  return (r.stdout || '').trim().split('\n').pop();
}

function pagePath(mode, del, run) {
  return '/bench/browser/page.html?' + new URLSearchParams({
    mode, del: del ? '1' : '0', run: String(run), rounds: String(Q.rounds), warm: String(Q.warm), one: Q.one, addr: Q.addr,
    ...(steps ? { steps: steps.join(',') } : {}),
  });
}

/**
 * Walks one browser through `pages` ({ path, label }); resolves with [{ page, body }] as reported.
 * `launch(url)` starts the browser on the session's first URL.
 */
async function walk(server, pages, launch, tag) {
  const queue = pages.slice();
  const reports = [];
  let current = null;
  let finish;
  const done = new Promise((r) => { finish = r; });
  let watchdog;
  const session = server.session({
    next: () => {
      current = queue.shift() || null;
      clearTimeout(watchdog);
      if (current) {
        current.started = Date.now();
        watchdog = setTimeout(() => finish('timeout'), PAGE_TIMEOUT);
      }
      return current;
    },
    onReport: (page, body) => {
      reports.push({ page, body, ms: Date.now() - page.started });
      const secs = ((Date.now() - page.started) / 1000).toFixed(1);
      console.log(`  [${tag}] ${page.label}: ${body.error ? 'ERROR ' + body.error.split('\n')[0] : 'ok'} (${secs} s)` +
        (body.errors && body.errors.length ? `\n    ${body.errors.join('\n    ')}` : ''));
    },
    onLog: (page, line) => { if (opts.verbose) console.log(`    [${tag}] ${line}`); },
    onDone: () => finish('done'),
  });
  let browser;
  try {
    browser = await launch(session.startUrl);
    browser.exited.then(() => finish('exited'));
    const why = await done;
    if (why !== 'done') console.log(`  [${tag}] ${why} on ${current ? current.label : '(start)'}`);
  } finally {
    clearTimeout(watchdog);
    await browser?.close();
    session.close();
  }
  return reports;
}

/** Pools one engine's page reports into series per mode (plus the floors measured on every page). */
function aggregate(reports) {
  const W = {
    forward: { rtt: {} }, reverse: { rtt: {} }, postMessage: { rtt: {} }, 'same-agent': { settle: {}, cycle: {} },
    sync: {}, timeouts: { late: {} }, 'scale-one': { native: {}, shim: {} }, 'scale-addresses': { native: {}, shim: {} }, calls: {},
  };
  const checks = { lostWakeups: {}, spuriousWakeups: {}, wrongTimeouts: {}, earlyTimeouts: {}, errors: [] };
  const bump = (o, k, n) => { if (n) o[k] = (o[k] || 0) + n; };
  const pages = [];
  for (const { page, body, ms } of reports) {
    pages.push({ label: page.label, ms, error: body.error, errors: body.errors, userAgent: body.userAgent,
      crossOriginIsolated: body.crossOriginIsolated, boot: body.boot, packageNative: body.packageNative });
    if (body.error) {
      checks.errors.push(`${page.label}: ${body.error.split('\n')[0]}`);
      continue;
    }
    for (const e of body.errors || []) checks.errors.push(`${page.label}: ${e}`);
    const m = body.mode;
    const R = body.results;
    if (R.postMessage) seriesOf(W.postMessage.rtt, 'floor').add(R.postMessage);
    if (R.forward) {
      seriesOf(W.forward.rtt, m).add(R.forward.rtt);
      bump(checks.lostWakeups, `forward ${m}`, R.forward.lost);
      bump(checks.spuriousWakeups, `forward ${m}`, R.forward.spurious);
    }
    if (R.forwardFloor) {
      seriesOf(W.forward.rtt, 'floor').add(R.forwardFloor.rtt);
      bump(checks.spuriousWakeups, 'forward floor', R.forwardFloor.spurious);
    }
    if (R.reverse) {
      seriesOf(W.reverse.rtt, m).add(R.reverse.rtt);
      bump(checks.lostWakeups, `reverse ${m}`, R.reverse.lost);
      bump(checks.spuriousWakeups, `reverse ${m}`, R.reverse.spurious);
    }
    if (R.sameAgent) {
      seriesOf(W['same-agent'].settle, m).add(R.sameAgent.settle);
      seriesOf(W['same-agent'].cycle, m).add(R.sameAgent.cycle);
    }
    if (R.sync) {
      for (const [name, ns] of Object.entries(R.sync)) seriesOf((W.sync[name] ??= {}), m).add(ns);
    }
    if (R.timeouts) {
      seriesOf(W.timeouts.late, m).add(R.timeouts.late);
      seriesOf(W.timeouts.late, 'setTimeout').add(R.timeouts.timerLate);
      bump(checks.wrongTimeouts, m, R.timeouts.wrong);
      bump(checks.earlyTimeouts, m, R.timeouts.late.filter((x) => x < 0).length);
    }
    if (R.calls) {
      for (const cond of ['idle', 'busy']) {
        if (!R.calls[cond]) continue;
        poolCalls(W.calls, cond, m, R.calls[cond]);
        bump(checks.lostWakeups, `calls ${m}`, R.calls[cond].lost);
        bump(checks.spuriousWakeups, `calls ${m}`, R.calls[cond].spurious);
      }
      W.calls.timerStepUs = Math.max(W.calls.timerStepUs || 0, R.calls.timerStepUs);
    }
    for (const r of R.scaleOne || []) (W['scale-one'][m][r.perAddress] ??= []).push(roundAll(r));
    for (const r of R.scaleAddresses || []) (W['scale-addresses'][m][r.addresses] ??= []).push(roundAll(r));
  }
  W['scale-one'].sizes = Q.one.split(',').map(Number);
  W['scale-addresses'].sizes = Q.addr.split(',').map(Number);
  W['scale-addresses'].perAddress = 10;
  return { workloads: JSON.parse(JSON.stringify(W)), checks, pages };
}

async function main() {
  const t0 = Date.now();
  const want = (id) => engineIds.includes(id);
  const man = manifest();
  const engines = [];
  const server = await startServer({ verbose: opts.verbose });
  const cpus = os.cpus();
  const meta = {
    date: new Date().toISOString(),
    machine: {
      nproc: Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || cpus.length,
      cpu: cpus[0]?.model?.trim(), memGB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10, os: `${os.type()} ${os.release()}`,
    },
    loadavgStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    params: { runs: opts.runs, ...Q, quick: opts.quick, steps },
  };
  console.log(`bench:browsers: ${opts.runs} runs${opts.quick ? ' (quick)' : ''}, load ${meta.loadavgStart.join(' ')}`);
  const logFile = (id) => {
    const file = path.join(ROOT, `.cache/browser/logs/bench-${id}.log`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    return file;
  };
  /** Engines with a native waitAsync: one session, pages alternating native and shim (native deleted). */
  const oneSession = async (id, label, launch, native) => {
    const pages = [];
    for (let run = 0; run < opts.runs; run++) {
      const modes = run % 2 ? ['shim', 'native'] : ['native', 'shim'];
      for (const mode of modes) pages.push({ label: `${mode} run ${run + 1}`, path: pagePath(mode, mode === 'shim', run) });
    }
    const t = Date.now();
    const reports = await walk(server, pages, launch, id);
    engines.push({ id, label, native, shim: 'shim (native deleted in page and workers)', seconds: (Date.now() - t) / 1000, ...aggregate(reports) });
  };
  try {
    if (want('chromium')) {
      const exe = man.chromium?.path || '/usr/bin/chromium';
      if (!fs.existsSync(exe)) console.log(`  chromium: ${exe} not found (scripts/install-engines.sh)`);
      else await oneSession('chromium', version(exe), (url) => launchChromium(exe, url), 'Chromium native');
    }
    if (want('firefox-140')) {
      const exe = (man.firefox || []).find((f) => f.major === 140)?.path ||
        path.join(ROOT, '.cache/engines/firefox-140/usr/lib/firefox-esr/firefox-esr');
      if (!fs.existsSync(exe)) console.log(`  firefox-140: ${exe} not found (scripts/install-engines.sh)`);
      else {
        const label = version(exe);
        const reports = [];
        const t = Date.now();
        const log = logFile('firefox-140');
        for (let run = 0; run < opts.runs; run++) {
          const modes = run % 2 ? ['shim', 'native'] : ['native', 'shim'];
          for (const mode of modes) {
            const prefs = mode === 'native' ? { ...TIMER_PREFS, ...NATIVE_PREF } : TIMER_PREFS;
            const page = { label: `${mode} run ${run + 1}`, path: pagePath(mode, false, run) };
            reports.push(...await walk(server, [page], (url) => launchFirefox(exe, url, { logFile: log, prefs }), 'firefox-140'));
          }
        }
        engines.push({ id: 'firefox-140', label, native: 'Firefox 140 native (pref javascript.options.atomics_wait_async)',
          shim: 'shim (Firefox 140 as shipped)', seconds: (Date.now() - t) / 1000, ...aggregate(reports) });
      }
    }
    if (want('webkit')) {
      const exe = man.webkit?.path || MINIBROWSER;
      if (!fs.existsSync(exe)) console.log(`  webkit: ${exe} not found (scripts/install-engines.sh)`);
      else {
        const log = logFile('webkit');
        await oneSession('webkit', `WebKitGTK ${(man.webkit?.version || '').replace(/-.*$/, '')} MiniBrowser`.replace('  ', ' '),
          (url) => launchWebKit(exe, url, { logFile: log }), 'WebKitGTK native');
      }
    }
  } finally {
    await server.close();
  }
  meta.loadavgEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  meta.durationS = Math.round((Date.now() - t0) / 100) / 10;
  const wrote = [];
  if (!steps || steps.some((x) => x !== 'calls')) {
    writeJson(opts.out, { meta, engines: engines.map(({ workloads: { calls, ...rest }, ...e }) => ({ ...e, workloads: rest })) });
    wrote.push(opts.out);
  }
  if (!steps || steps.includes('calls')) {
    wrote.push(saveCalls(opts.out, (old) => {
      const browsers = { ...old.browsers };
      for (const { workloads, ...e } of engines) browsers[e.id] = { meta, ...e, calls: workloads.calls };
      return { ...old, browsers };
    }));
  }
  console.log(`bench:browsers: ${meta.durationS} s; wrote ${wrote.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  if (opts.report) {
    const { writeReport } = await import('../report.mjs');
    writeReport({ log: console.log, dir: path.dirname(opts.out) });
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e && e.stack || e);
  process.exit(1);
});

// The engine matrix behind `npm run test:browsers` (started through run.mjs):
//   Firefox ESR 140 (no native waitAsync: the shim, for real), Firefox ESR 153, Chromium and
//   WebKitGTK (each twice: native, and the shim with Atomics.waitAsync deleted in the page and
//   every worker; WebKit also in a "Safari 15.2–16.3" profile: shim, and no Worker constructor
//   inside workers), then Node 14/15 (shim) and Node 20 (native, and shim) through
//   test/engines/node-old.mjs, then Bun (the Node build) and Deno (the browser build) through
//   test/engines/bun-deno.mjs. Firefox 140 and WebKitGTK's shim modes also run the model property
//   (suites/model.mjs, 20 s; `npm run stress -- --engine <id>` runs it longer). The browser demo
//   (demo/browser/) runs last of the browsers, in Firefox ESR 140 and Chromium
//   (test/browser/demo.mjs). After the browsers, two rows compare the oracles pages of Firefox 140
//   (shim) and Firefox 153 (native) tuple by tuple (test/browser/oracle.mjs).
// Prints counts per engine/mode, the failures, the expected failures with their reasons, and last
// one line: "N passed, N failed".
//
// Options: --only=<id,...> (ids: firefox-140, firefox-153, chromium, webkit, node14, node15,
//   node20, bun, deno, demo),
//   --skip-build (use dist/ as it is), --verbose (page progress and browser console),
//   --rounds=<n> (ping-pong rounds, default 1000), --pages=<name,...> (only those pages, e.g. faults).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer } from './server.mjs';
import { launchChromium, launchFirefox, launchWebKit, MINIBROWSER } from './browsers.mjs';
import { buildCoreJs } from './corejs-bundle.mjs';
import { buildModelBundle } from './model-bundle.mjs';
import { demoTargets } from './demo.mjs';
import { EXPECTED_FAILURES, expectedFailure } from './expected-failures.mjs';
import { oracleRows } from './oracle.mjs';
import { runNodeMatrix } from '../engines/node-old.mjs';
import { runBunDenoMatrix } from '../engines/bun-deno.mjs';

/** A page that has not reported within this long is failed and its browser restarted. */
const PAGE_TIMEOUT = Number(process.env.AWA_PAGE_TIMEOUT) || 150000;
const CACHE = path.join(ROOT, '.cache/engines');
/** Engines whose shim mode runs the model page (suites/model.mjs). */
const MODEL_ENGINES = ['firefox-140', 'webkit'];

function parseArgs(argv) {
  const o = { only: null, skipBuild: false, verbose: false, rounds: 1000, pages: null };
  for (const a of argv) {
    if (a === '--skip-build') o.skipBuild = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a.startsWith('--only=')) o.only = new Set(a.slice(7).split(',').filter(Boolean));
    else if (a.startsWith('--rounds=')) o.rounds = Number(a.slice(9));
    else if (a.startsWith('--pages=')) o.pages = new Set(a.slice(8).split(',').filter(Boolean));
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

function build() {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/rollup/dist/bin/rollup'), '-c', '--silent'], {
    cwd: ROOT, stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('build failed (rollup -c)');
}

function version(exe, args = ['--version']) {
  const r = spawnSync(exe, args, { encoding: 'utf8', env: { ...process.env, MOZ_HEADLESS: '1' } });
  return (r.stdout || '').trim().split('\n').pop().replace(/ built on .*$/, '');
}

/** Browsers from .cache/engines/engines.json (scripts/install-engines.sh) or their usual places. */
export function browserTargets() {
  let manifest = {};
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(CACHE, 'engines.json'), 'utf8'));
  } catch { /* not installed with the script */ }
  const targets = [];
  for (const major of [140, 153]) {
    const fromManifest = (manifest.firefox || []).find((f) => f.major === major);
    const exe = fromManifest?.path || path.join(CACHE, `firefox-${major}/usr/lib/firefox-esr/firefox-esr`);
    targets.push({
      id: `firefox-${major}`, kind: 'firefox', exe,
      // Firefox 140 ships no Atomics.waitAsync (only behind a pref we never set); 153 has it.
      modes: major === 140 ? [{ mode: 'shim', del: 0 }] : [{ mode: 'native', del: 0 }, { mode: 'shim', del: 1 }],
    });
  }
  targets.push({
    id: 'chromium', kind: 'chromium', exe: manifest.chromium?.path || '/usr/bin/chromium',
    modes: [{ mode: 'native', del: 0 }, { mode: 'shim', del: 1 }],
  });
  // WebKitGTK 2.50 has a native waitAsync: tested as it ships, with it deleted (page and every
  // worker), and as Safari 15.2–16.3 would run the shim: no native waitAsync and no Worker
  // constructor inside workers (nested workers came with 16.4), so waits in a worker cannot start a
  // helper. That profile runs the main suite only (the other pages use workers as notifiers alone).
  const webkitVersion = manifest.webkit?.version || dpkgVersion('libwebkit2gtk-4.1-0');
  targets.push({
    id: 'webkit', kind: 'webkit', exe: manifest.webkit?.path || MINIBROWSER,
    label: webkitVersion ? `WebKitGTK ${webkitVersion.replace(/-.*$/, '')}` : 'WebKitGTK',
    modes: [
      { mode: 'native', del: 0 },
      { mode: 'shim', del: 1 },
      { mode: 'safari', del: 1, suites: ['main/esm', 'main/iife'], query: { nestedWorkers: '0' } },
    ],
  });
  for (const t of targets) {
    t.present = fs.existsSync(t.exe);
    t.label = t.present ? (t.label || version(t.exe)) : t.id;
  }
  return targets;
}

function dpkgVersion(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** The pages one engine walks through, for each of its modes. */
function pagesFor(target, opts) {
  const pages = [];
  for (const { mode, del, suites, query } of target.modes) {
    const q = (o) => '/test/browser/page.html?' + new URLSearchParams({ mode, del: String(del), ...query, ...o }).toString();
    const r = String(opts.rounds);
    const these = [];
    these.push(
      { mode, name: 'main/esm', path: q({ suite: 'main', build: 'esm', rounds: r }) },
      { mode, name: 'main/iife', path: q({ suite: 'main', build: 'iife', rounds: r }) },
      { mode, name: 'csp-self/esm', path: q({ suite: 'csp-self', build: 'esm', profile: 'csp-self' }) },
      { mode, name: 'csp-self/iife', path: q({ suite: 'csp-self', build: 'iife', profile: 'csp-self' }) },
      { mode, name: 'csp-none/esm', path: q({ suite: 'csp-none', build: 'esm', profile: 'csp-none' }) },
      { mode, name: 'csp-none/iife', path: q({ suite: 'csp-none', build: 'iife', profile: 'csp-none' }) },
      { mode, name: 'no-coi', path: q({ suite: 'no-coi', profile: 'no-coi' }) },
      { mode, name: 'core-js/before', path: q({ suite: 'corejs', order: 'before' }) },
      { mode, name: 'core-js/after', path: q({ suite: 'corejs', order: 'after' }) },
    );
    // Where the engine has its own: loading the package must start nothing (issue "zero cost").
    if (mode === 'native') these.push({ mode, name: 'zero-cost', path: q({ suite: 'zero-cost' }) });
    // Faults (issue 12): crashed helpers, a terminated worker with waiters, CPU starvation.
    if (mode !== 'safari') these.push({ mode, name: 'faults', path: q({ suite: 'faults' }) });
    // The model property where users run the shim most: 20 s of schedules from one fixed first seed.
    if (mode === 'shim' && MODEL_ENGINES.includes(target.id)) these.push({ mode, name: 'model', path: q({ suite: 'model', ms: '20000' }) });
    // Firefox as it ships (140: the shim, 153: native): the differential tuples, compared after both ran.
    if (target.kind === 'firefox' && !del) these.push({ mode, name: 'oracles', path: q({ suite: 'oracles' }) });
    pages.push(...these.filter((p) => (!suites || suites.includes(p.name)) && (!opts.pages || opts.pages.has(p.name))));
  }
  if (target.kind === 'webkit') {
    // This JavaScriptCore has SharedArrayBuffer only with JSC_useSharedArrayBuffer=1, and then on
    // every page, isolated or not (Safari hides it without COOP/COEP): the no-coi pages run in a
    // browser started without the switch, after the others (one launch for each group).
    for (const p of pages) p.launch = { sab: p.name !== 'no-coi' };
    pages.sort((a, b) => Number(b.launch.sab) - Number(a.launch.sab));
  }
  return pages;
}

function newRow(engine, label, mode) {
  return { engine, label, mode, passed: 0, failed: 0, skipped: 0, failures: [], expected: [], notes: [], pages: 0, ms: 0 };
}

export async function runBrowser(server, target, opts, logFile) {
  const rows = new Map(target.modes.map(({ mode }) => [mode, newRow(target.id, target.label, mode)]));
  const queue = target.pages ? target.pages.slice() : pagesFor(target, opts);
  const t0 = Date.now();
  // A browser walks through consecutive pages that need the same launch options (page.launch);
  // one that hangs or dies is restarted on the next page, at most 5 times per engine.
  const launchKey = (p) => JSON.stringify(p.launch || {});
  let restarts = 0;
  while (queue.length && restarts < 6) {
    const key = launchKey(queue[0]);
    const launchOpts = queue[0].launch || {};
    let current = null;
    let reported = 0;
    let finish;
    const done = new Promise((r) => { finish = r; });
    let watchdog;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => finish('timeout'), PAGE_TIMEOUT);
    };
    const session = server.session({
      next: () => {
        current = queue.length && launchKey(queue[0]) === key ? queue.shift() : null;
        if (current) {
          current.started = Date.now();
          arm();
          if (opts.verbose) console.log(`  [${target.id}] ${current.mode} ${current.name}`);
        }
        return current;
      },
      onReport: (page, body) => {
        reported++;
        const row = rows.get(page.mode);
        row.pages++;
        row.ms += Date.now() - page.started;
        row.passed += body.passed || 0;
        row.failed += body.failed || 0;
        row.skipped += body.skipped || 0;
        for (const f of body.failures || []) {
          const x = expectedFailure(target.id, page.mode, page.name, f.name, String(f.message));
          if (x) {
            row.failed--;
            row.expected.push({ text: `${page.name}: ${f.name} — ${f.message}`, entry: x });
          } else {
            row.failures.push(`${page.name}: ${f.name} — ${f.message}`);
          }
        }
        for (const n of body.notes || []) row.notes.push(`${page.name}: ${n}`);
        if (body.observations) (target.observations ||= {})[page.mode] = body.observations;
        if (opts.verbose) {
          console.log(`  [${target.id}] ${page.mode} ${page.name}: ${body.passed} passed, ${body.failed} failed ` +
            `(${((Date.now() - page.started) / 1000).toFixed(1)} s)`);
        }
      },
      onLog: (page, line) => {
        if (opts.verbose) console.log(`    [${target.id}] ${line}`);
      },
      onDone: () => finish('done'),
    });
    let browser;
    try {
      if (target.kind === 'chromium') {
        browser = await launchChromium(target.exe, session.startUrl, { onConsole: opts.verbose ? (l) => fs.appendFileSync(logFile, l + '\n') : undefined });
      } else if (target.kind === 'webkit') {
        browser = await launchWebKit(target.exe, session.startUrl, { logFile, ...launchOpts });
      } else {
        browser = launchFirefox(target.exe, session.startUrl, { logFile });
      }
    } catch (e) {
      session.close();
      for (const p of queue.splice(0)) {
        const row = rows.get(p.mode);
        row.failed++;
        row.failures.push(`${p.name}: the browser did not start: ${String(e && e.message || e).split('\n')[0]}`);
      }
      break;
    }
    browser.exited.then(() => finish('exited'));
    const why = await done;
    clearTimeout(watchdog);
    // A target's last word with its browser still open (the demo's screenshot); it counts in rows.
    if (why === 'done' && target.beforeClose) await target.beforeClose(browser, rows);
    await browser.close();
    session.close();
    if (why === 'done') continue; // this group is through; the next one (if any) gets its own browser
    restarts++;
    const page = current;
    const reason = why === 'timeout'
      ? `no report within ${PAGE_TIMEOUT / 1000} s (page hung; browser restarted)`
      : 'the browser exited before the page reported';
    if (page) {
      const row = rows.get(page.mode);
      row.ms += Date.now() - page.started;
      row.failed++;
      row.failures.push(`${page.name}: ${reason}`);
    } else if (!reported) {
      for (const p of queue.splice(0)) {
        const row = rows.get(p.mode);
        row.failed++;
        row.failures.push(`${p.name}: ${reason}; no page ever loaded (see ${logFile})`);
      }
    }
  }
  for (const p of queue.splice(0)) {
    const row = rows.get(p.mode);
    row.failed++;
    row.failures.push(`${p.name}: not run: the browser was restarted too often (see ${logFile})`);
  }
  const out = [...rows.values()];
  out[0].sessionMs = Date.now() - t0; // pages plus browser start-ups, all modes
  return out;
}

function printRow(row) {
  const expected = row.expected?.length || 0;
  const head = `${row.label.padEnd(34)} ${row.mode.padEnd(7)} ${String(row.passed).padStart(4)} passed, ` +
    `${String(row.failed).padStart(3)} failed${expected ? `, ${expected} expected failures` : ''}` +
    `${row.skipped ? `, ${row.skipped} skipped` : ''}`;
  const time = `${(row.ms / 1000).toFixed(1)} s` +
    (row.sessionMs ? `; engine total with start-ups ${(row.sessionMs / 1000).toFixed(1)} s` : '');
  console.log(`${head}   (${time})`);
  for (const f of row.failures) console.log(`    ✗ ${f}`);
  for (const x of row.expected || []) console.log(`    ~ expected failure (see below): ${x.text}`);
  for (const x of row.explained || []) console.log(`    ~ explained: ${x}`);
}

/** Every excused failure once per reason, and deterministic ones that did not happen. */
function printExpected(rows, ran) {
  const byReason = new Map();
  for (const row of rows) {
    for (const x of row.expected || []) {
      if (!byReason.has(x.entry.reason)) byReason.set(x.entry.reason, []);
      byReason.get(x.entry.reason).push(`${row.label} ${row.mode}, ${x.text.split(' — ')[0]}`);
    }
  }
  for (const [reason, where] of byReason) {
    console.log(`expected failures, not counted as failed (${where.length}): ${reason}`);
    for (const w of where) console.log(`    ~ ${w}`);
  }
  for (const e of EXPECTED_FAILURES) {
    if (!e.deterministic || !ran.has(`${e.engine}/${e.mode}`)) continue;
    const seen = rows.some((r) => r.engine === e.engine && r.mode === e.mode && (r.expected || []).some((x) => x.entry === e));
    if (!seen) console.log(`note: expected failure did not happen on ${e.engine} ${e.mode} (${e.test}): fixed? then remove it from test/browser/expected-failures.mjs`);
  }
}

export async function main(argv) {
  const opts = parseArgs(argv);
  const t0 = Date.now();
  const want = (id) => !opts.only || opts.only.has(id);
  if (!opts.skipBuild) {
    console.log('building dist/ …');
    build();
  }
  const rows = [];
  const all = browserTargets();
  const browsers = all.filter((t) => want(t.id));
  // The demo page is its own id: --only=chromium runs the suites alone, --only=demo the demo alone.
  if (want('demo')) browsers.push(...demoTargets(all, { rounds: opts.rounds }));
  if (browsers.length) {
    if (browsers.some((t) => !t.pages)) {
      await buildCoreJs(); // the suites' core-js pages need it
      await buildModelBundle(); // and the model page this
    }
    const logDir = path.join(ROOT, '.cache/browser/logs');
    fs.mkdirSync(logDir, { recursive: true });
    const server = await startServer({ verbose: opts.verbose });
    try {
      for (const t of browsers) {
        if (!t.present) {
          for (const { mode } of t.modes) {
            const row = newRow(t.id, t.id, mode);
            row.failed = 1;
            row.failures.push(`${t.exe} not found: run scripts/install-engines.sh`);
            rows.push(row);
            printRow(row);
          }
          continue;
        }
        const logFile = path.join(logDir, `${t.logName || t.id}.log`);
        fs.writeFileSync(logFile, '');
        for (const row of await runBrowser(server, t, opts, logFile)) {
          rows.push(row);
          printRow(row);
        }
      }
    } finally {
      await server.close();
    }
    for (const row of oracleRows(browsers)) {
      rows.push(row);
      printRow(row);
    }
  }
  for (const row of await runNodeMatrix({ only: opts.only, rounds: opts.rounds, verbose: opts.verbose })) {
    rows.push(row);
    printRow(row);
  }
  for (const row of await runBunDenoMatrix({ only: opts.only, rounds: opts.rounds, verbose: opts.verbose })) {
    rows.push(row);
    printRow(row);
  }
  if (opts.verbose) {
    for (const row of rows) for (const n of row.notes) console.log(`  note [${row.engine} ${row.mode}] ${n}`);
  }
  printExpected(rows, new Set(rows.filter((r) => r.pages).map((r) => `${r.engine}/${r.mode}`)));
  const passed = rows.reduce((s, r) => s + r.passed, 0);
  const failed = rows.reduce((s, r) => s + r.failed, 0);
  console.log(`matrix wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  fs.mkdirSync(path.join(ROOT, '.cache/browser'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, '.cache/browser/last-run.json'), JSON.stringify({
    date: new Date().toISOString(), wallMs: Date.now() - t0,
    rows: rows.map((r) => ({ ...r, expected: (r.expected || []).map((x) => ({ text: x.text, reason: x.entry.reason })) })),
  }, null, 2));
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

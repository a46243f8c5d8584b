// Long run of the model property (test/node/support/model.mjs): random schedules against the
// reference model until the time is up, in Node or (--engine <id>) in a browser of the engine
// matrix through its model page (test/browser/suites/model.mjs).
//   npm run stress [-- <minutes>m | <ms>] [--engine firefox-140|firefox140|webkit|firefox-153|chromium]
//                  [--seed <n>] [--batches <n>]
// Duration: the argument, or STRESS_MS / STRESS_MINUTES (default 10 minutes); --batches runs that
// many batches instead. SEED=<n> or --seed fixes the first seed (batch b uses seed + b). Keeps going
// after a violation (a batch is 25 schedules of its own seed in Node, 10 in a browser); prints the
// failures, one summary line with the failing seeds for replay, and exits 1 if any batch failed.
import fc from 'fast-check';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
const engine = opt('engine');
const seedArg = opt('seed');
const batches = Number(opt('batches') || 0);
if (seedArg !== undefined) process.env.SEED = seedArg;
const arg = args[0];
const ms = arg ? Number(arg) * (/m$/.test(arg) ? 60000 : 1) || parseFloat(arg) * 60000
  : process.env.STRESS_MS ? Number(process.env.STRESS_MS)
    : Number(process.env.STRESS_MINUTES || 10) * 60000;
const { seedFromEnv, startForeign } = await import('./node/support/model-node.mjs');
const seed0 = seedFromEnv();
process.exit(engine ? await browserStress() : await nodeStress());

async function nodeStress() {
  const { MODEL_K, runSchedule, scheduleArb } = await import('./node/support/model.mjs');
  const lib = await import('../dist/index.mjs');
  lib.configure({ idleTimeout: 1000, exactWaiters: MODEL_K }); // as the CI model test: 1 s helper slices, a small budget
  const foreign = startForeign();
  await foreign.ready();
  const t0 = Date.now();
  let schedules = 0; let waiters = 0; let beyond = 0; let batch = 0; const failures = [];
  console.log(`stress: node ${process.version}, ${batches ? `${batches} batches` : `${(ms / 60000).toFixed(2)} min`}, first seed ${seed0}`);
  while (batches ? batch < batches : Date.now() - t0 < ms) {
    const seed = (seed0 + batch++) | 0;
    try {
      await fc.assert(fc.asyncProperty(scheduleArb, async (ops) => {
        const r = await runSchedule(ops, { lib, foreign });
        waiters += r.waiters;
        beyond += r.beyond;
        schedules++;
      }), { seed, numRuns: 25, endOnFailure: true });
    } catch (e) {
      failures.push(seed);
      const why = /Got error: (.*)/.exec(e.message);
      console.error(`stress: seed ${seed} failed: ${why ? why[1] : e.message.split('\n')[0]}`);
      const detail = /Got error: [\s\S]*?(?=\n\s+at )/.exec(e.message);
      console.error(detail ? detail[0] : e.message);
    }
  }
  await foreign.terminate();
  lib.uninstall();
  console.log(`stress: ${failures.length ? 'FAILED' : 'ok'}: ${schedules} schedules passed, ${waiters} waiters (${beyond} beyond the budget of ${MODEL_K}), ${failures.length}/${batch} batches failed, ${((Date.now() - t0) / 1000).toFixed(0)} s; seeds ${seed0}..${(seed0 + batch - 1) | 0}${failures.length ? `; failing seeds ${failures.slice(0, 10).join(' ')} (replay: npm run stress -- --seed <seed> --batches 1)` : ''}`);
  return failures.length ? 1 : 0;
}

async function browserStress() {
  const id = engine.replace(/^firefox(\d)/, 'firefox-$1');
  process.env.AWA_PAGE_TIMEOUT = String((batches ? 3600000 : ms) + 300000); // the page reports once, at its end
  const { browserTargets, runBrowser } = await import('./browser/matrix.mjs');
  const { startServer, ROOT } = await import('./browser/server.mjs');
  const { buildModelBundle } = await import('./browser/model-bundle.mjs');
  const path = await import('node:path');
  const fs = await import('node:fs');
  const target = browserTargets().find((t) => t.id === id);
  if (!target) throw new Error(`--engine ${engine}: not a browser of the matrix (firefox-140, firefox-153, chromium, webkit)`);
  if (!target.present) throw new Error(`${target.exe} not found: run scripts/install-engines.sh`);
  const shim = target.modes.find((m) => m.mode === 'shim');
  const q = new URLSearchParams({ mode: 'shim', del: String(shim.del), suite: 'model', seed: String(seed0), ms: String(ms), ...(batches ? { batches: String(batches) } : {}), ...(process.env.AWA_MODEL_QUIET_MS ? { quiet: process.env.AWA_MODEL_QUIET_MS } : {}) });
  target.modes = [shim];
  target.pages = [{ mode: 'shim', name: 'model', path: `/test/browser/page.html?${q}`, launch: target.kind === 'webkit' ? { sab: true } : undefined }];
  await buildModelBundle();
  console.log(`stress: ${target.label} (shim), ${batches ? `${batches} batches` : `${(ms / 60000).toFixed(2)} min`}, first seed ${seed0}`);
  const server = await startServer({});
  const logDir = path.join(ROOT, '.cache/browser/logs');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `stress-${id}.log`);
  fs.writeFileSync(logFile, '');
  let rows;
  try {
    // verbose: the page's progress lines (one per batch) are printed as they come
    rows = await runBrowser(server, target, { verbose: true }, logFile);
  } finally {
    await server.close();
  }
  const row = rows[0];
  for (const f of row.failures) console.error(`stress: ${f}`);
  const summary = row.notes.find((n) => n.includes('model: '));
  console.log(`stress: ${row.failed ? 'FAILED' : 'ok'}: ${target.label}: ${summary ? summary.replace(/^.*model: /, '') : 'no summary (the page did not finish)'}`);
  return row.failed || !row.passed ? 1 : 0;
}

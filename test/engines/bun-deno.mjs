// Bun and Deno in the engine matrix, from the npm devDependencies @oven/bun-linux-x64 and
// @deno/linux-x64-glibc (no other install step). Each runs child processes like node-old.mjs:
//   Bun:  the Node build (dist/*.cjs, worker_threads) through scenarios.cjs — native, and the
//         shim with Atomics.waitAsync deleted here and in every worker;
//   Deno: the browser build (dist/index.browser.mjs, Web Workers: Deno has module workers only)
//         through scenarios-web.mjs, native and shim; and the Node build through scenarios.cjs on
//         Deno's node: APIs, native and shim — that is the build Deno picks for
//         `import 'atomics-wait-async'` (its resolver matches the exports' "node" condition).
// Deno runs with narrow permissions: read the repository, the AWA_* variables, run itself.
// Standalone: `node test/engines/bun-deno.mjs [--only=bun,deno] [--verbose]` after a build.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOne } from './node-old.mjs';
import { runIfMain } from './standalone.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const BUN = path.join(ROOT, 'node_modules/@oven/bun-linux-x64/bin/bun');
const DENO = path.join(ROOT, 'node_modules/@deno/linux-x64-glibc/deno');

function version(pkg) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

export function bunDenoTargets() {
  // Deno.execPath() is the binary's real path: allow running that one (the keep-alive scenario).
  let denoReal = DENO;
  try { denoReal = fs.realpathSync(DENO); } catch { /* missing: reported below */ }
  const denoArgs = ['run', `--allow-read=${ROOT}`, '--allow-env=AWA_MODE,AWA_DEL,AWA_ROUNDS,AWA_GREP',
    `--allow-run=${denoReal}`];
  const denoEnv = { NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };
  const bun = `Bun ${version('@oven/bun-linux-x64')}`;
  const deno = `Deno ${version('@deno/linux-x64-glibc')}`;
  const web = path.join(HERE, 'scenarios-web.mjs');
  // Deno's node: compatibility needs more than the Web host: worker_threads, child_process, os.
  const denoNodeArgs = ['run', `--allow-read=${ROOT}`, '--allow-env', `--allow-run=${denoReal}`, '--allow-sys'];
  return [
    { id: 'bun', label: `${bun} (Node build)`, exe: BUN, mode: 'native', del: false },
    { id: 'bun', label: `${bun} (Node build)`, exe: BUN, mode: 'shim', del: true },
    { id: 'deno', label: `${deno} (browser build)`, exe: DENO, args: denoArgs, script: web, env: denoEnv, mode: 'native', del: false },
    { id: 'deno', label: `${deno} (browser build)`, exe: DENO, args: denoArgs, script: web, env: denoEnv, mode: 'shim', del: true },
    { id: 'deno', label: `${deno} (Node build)`, exe: DENO, args: denoNodeArgs, env: denoEnv, mode: 'native', del: false },
    { id: 'deno', label: `${deno} (Node build)`, exe: DENO, args: denoNodeArgs, env: denoEnv, mode: 'shim', del: true },
  ];
}

/** The first line of a failure (its message without the stack; all of it is in last-run.json). */
function short(message) {
  return String(message).split('\n')[0];
}

/** One row per Bun/Deno engine and mode, shaped like the other rows of matrix.mjs. */
export async function runBunDenoMatrix({ only = null, rounds = 1000, verbose = false } = {}) {
  const rows = [];
  for (const t of bunDenoTargets()) {
    if (only && !only.has(t.id)) continue;
    const t0 = Date.now();
    const row = { engine: t.id, label: t.label, mode: t.mode, passed: 0, failed: 0, skipped: 0, failures: [], full: [], notes: [], pages: 1 };
    if (!fs.existsSync(t.exe)) {
      row.failed = 1;
      row.failures.push(`${t.exe} not found (npm ci installs it: devDependencies)`);
    } else {
      const r = await runOne(t, rounds);
      row.passed = r.passed;
      row.failed = r.failed;
      for (const f of r.failures) {
        row.failures.push(`${f.name} — ${short(f.message)}`);
        row.full.push(`${f.name} — ${f.message}`);
      }
      row.notes.push(...(r.notes || []));
      if (verbose) for (const x of r.tests || []) console.log(`  [${t.id} ${t.mode}] ${x.ok ? 'ok  ' : 'FAIL'} ${x.name} (${x.ms} ms)`);
    }
    row.ms = Date.now() - t0;
    rows.push(row);
  }
  return rows;
}

await runIfMain(import.meta.url, runBunDenoMatrix, 28);

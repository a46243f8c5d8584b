// Node engines of the matrix: Node 14.21.3 and 15.14.0 (no Atomics.waitAsync: the shim, for real,
// from the node14/node15 devDependencies) and the Node running this file (native, and the shim
// with Atomics.waitAsync deleted first in the process and every worker). Each run is a child
// process executing scenarios.cjs against dist/*.cjs. Standalone: `node test/engines/node-old.mjs`
// (after a build) prints the counts and "N passed, N failed".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIfMain } from './standalone.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const RUN_TIMEOUT = 300000;

export function nodeTargets() {
  const current = `node${process.versions.node.split('.')[0]}`;
  return [
    { id: 'node14', exe: path.join(ROOT, 'node_modules/node14/bin/node'), mode: 'shim', del: false },
    { id: 'node15', exe: path.join(ROOT, 'node_modules/node15/bin/node'), mode: 'shim', del: false },
    { id: current, exe: process.execPath, mode: 'native', del: false },
    { id: current, exe: process.execPath, mode: 'shim', del: true },
  ];
}

/**
 * Runs one scenarios file in a child process; resolves with its @@RESULT object (or a failure that
 * says how the child ended). `t` is { exe, args (before the script; default none), script
 * (default scenarios.cjs), mode, del, env }.
 */
export function runOne(t, rounds) {
  return new Promise((resolve) => {
    const child = spawn(t.exe, [...(t.args || []), t.script || path.join(HERE, 'scenarios.cjs')], {
      cwd: ROOT,
      env: { ...process.env, ...t.env, AWA_MODE: t.mode, AWA_DEL: t.del ? '1' : '0', AWA_ROUNDS: String(rounds) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT);
    child.on('error', (e) => { err += String(e && e.message || e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (line) resolve(JSON.parse(line.slice(9)));
      else {
        resolve({
          version: '?', passed: 0, failed: 1, notes: [],
          failures: [{ name: path.basename(t.script || 'scenarios.cjs'), message: `exited ${signal || code} without a result: ${(err || out).trim().slice(-600)}` }],
        });
      }
    });
  });
}

/** Returns one row per Node engine/mode, shaped like the browser rows of matrix.mjs. */
export async function runNodeMatrix({ only = null, rounds = 1000, verbose = false } = {}) {
  const rows = [];
  for (const t of nodeTargets()) {
    if (only && !only.has(t.id)) continue;
    const t0 = Date.now();
    const row = { engine: t.id, mode: t.mode, passed: 0, failed: 0, skipped: 0, failures: [], notes: [], pages: 1 };
    if (!fs.existsSync(t.exe)) {
      row.label = `${t.id} (missing)`;
      row.failed = 1;
      row.failures.push(`${t.exe} not found (npm install the devDependencies)`);
    } else {
      const r = await runOne(t, rounds);
      row.label = `Node ${r.version}`;
      row.passed = r.passed;
      row.failed = r.failed;
      for (const f of r.failures) row.failures.push(`${f.name} — ${f.message}`);
      row.notes.push(...(r.notes || []));
      if (verbose) for (const x of r.tests || []) console.log(`  [${t.id} ${t.mode}] ${x.ok ? 'ok  ' : 'FAIL'} ${x.name} (${x.ms} ms)`);
    }
    row.ms = Date.now() - t0;
    rows.push(row);
  }
  return rows;
}

await runIfMain(import.meta.url, runNodeMatrix, 20);

// Running one engine matrix file on its own (node test/engines/<file>.mjs [--only=…] [--verbose]):
// the same rows and the same final `N passed, N failed` line as the whole matrix prints.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs `runMatrix` and prints its rows when the module at `metaUrl` is the program itself. */
export async function runIfMain(metaUrl, runMatrix, labelWidth) {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(metaUrl)) return;
  const only = process.argv.slice(2).find((a) => a.startsWith('--only='));
  const rows = await runMatrix({ only: only ? new Set(only.slice(7).split(',')) : null, verbose: process.argv.includes('--verbose') });
  for (const r of rows) {
    console.log(`${r.label.padEnd(labelWidth)} ${r.mode.padEnd(7)} ${r.passed} passed, ${r.failed} failed (${(r.ms / 1000).toFixed(1)} s)`);
    for (const f of r.failures) console.log(`    ✗ ${f}`);
  }
  const passed = rows.reduce((s, r) => s + r.passed, 0);
  const failed = rows.reduce((s, r) => s + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

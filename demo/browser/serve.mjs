// `npm run demo:browser [-- --port=<n>]`: serves the repository with the browser suite's server
// (test/browser/server.mjs: COOP same-origin + COEP require-corp, so SharedArrayBuffer exists; the
// csp-strict profile for the demo's iframe) and prints the demo's URL; serves until Ctrl-C.
// The page loads the built package: dist/ must exist (`npm install` builds it, or `npm run build`).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer } from '../../test/browser/server.mjs';

function parsePort(argv) {
  let port = 8080;
  for (const a of argv) {
    if (a.startsWith('--port=')) port = Number(a.slice(7));
    else throw new Error(`unknown argument ${a} (usage: npm run demo:browser -- --port=8080)`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port= expects 0..65535 (0: any free port)');
  return port;
}

function fail(message) {
  console.error(`demo:browser: ${message}`);
  process.exit(2);
}

let port;
try {
  port = parsePort(process.argv.slice(2));
} catch (e) {
  fail(e.message);
}
if (!fs.existsSync(path.join(ROOT, 'dist/index.browser.mjs'))) fail('dist/index.browser.mjs is missing: run `npm run build` first.');
const server = await startServer({ port }).catch((e) =>
  fail(e.code === 'EADDRINUSE' ? `port ${port} is in use: try --port=<another> (0: any free port)` : e.message));
console.log(`atomics-wait-async browser demo: ${server.origin}/demo/browser/`);
console.log('(cross-origin isolated; loopback http counts as a secure context) — Ctrl-C to stop');
process.once('SIGINT', async () => {
  await server.close();
  process.exit(0);
});

// Issue 16 / DESIGN §2 v3, 8 (helpers are not apps): an app that polyfills every thread with a
// preload (NODE_OPTIONS=--require, node -r, or a worker's execArgv) gets helpers that run none of
// it, so they start no helpers of their own. Child processes on Node 14, 15 and the running Node
// (its native waitAsync deleted by the preload, in every thread).
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, 'test/node/support/preload');
const preload = join(dir, 'preload.cjs');
const app = join(dir, 'app.cjs');
const nodes = [
  ['Node 14', join(root, 'node_modules/node14/bin/node')],
  ['Node 15', join(root, 'node_modules/node15/bin/node')],
  [`Node ${process.versions.node.split('.')[0]}`, process.execPath],
];
/** Helpers an agent may have with one wait pending: the one it needs and Node's spares (Pool.spare). */
const HELPERS_PER_AGENT = 1 + 2;
/** Generous: the app finishes in about a second; a chain of helpers never exits by itself. */
const EXIT_DEADLINE_MS = 45000;

/** Runs the app; resolves with its JSON line, or rejects saying how the child ended. */
function runApp(exe, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [...args, app], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_DEADLINE_MS);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`the app did not exit by itself (code ${code}, signal ${signal}): ${out}${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        reject(new Error(`no result line: ${out}${err}`));
      }
    });
  });
}

describe('a preload that polyfills every thread (node -r, NODE_OPTIONS, execArgv)', function () {
  this.timeout(EXIT_DEADLINE_MS + 15000);
  const ways = [
    ['NODE_OPTIONS=--require <preload>', [], { NODE_OPTIONS: `--require ${preload}` }],
    ['node -r <preload>', ['-r', preload], {}],
    ["new Worker(app, { execArgv: ['--require', preload] })", [], { AWA_WORKER_EXECARGV: '1' }],
  ];
  for (const [node, exe] of nodes) {
    for (const [how, args, env] of ways) {
      it(`${node}, ${how}: both threads wait and wake each other, threads stay bounded, the process exits`, async () => {
        const r = await runApp(exe, args, env);
        expect(r.polyfilled, 'the preload installed the polyfill').to.equal(true);
        expect(r.workerError).to.equal(undefined);
        expect({ main: r.main, mainAsync: r.mainAsync, worker: r.worker, workerAsync: r.workerAsync })
          .to.deep.equal({ main: 'ok', mainAsync: true, worker: 'ok', workerAsync: true });
        // The app's worker, then each of the two agents' helpers. Before the fix: 27-30 and growing.
        expect(r.whileWaiting - r.baseline, `OS threads: ${r.baseline} before the polyfill, ${r.whileWaiting} while both wait`)
          .to.be.at.most(1 + 2 * HELPERS_PER_AGENT);
      });
    }
  }
});

describe('the package loaded inside one of its helper threads', () => {
  it('installs nothing and starts nothing (Node: the helper is marked by its workerData)', async () => {
    const { Worker } = await import('node:worker_threads');
    const code = `const { parentPort } = require('worker_threads');
      delete Atomics.waitAsync;
      const l = require(${JSON.stringify(join(root, 'dist/index.cjs'))});
      const installed = l.install();
      l.ready(3).then(() => {
        let spawnError = '';
        try { l.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); } catch (e) { spawnError = e.message; }
        parentPort.postMessage({ installed, has: typeof Atomics.waitAsync, helpers: l.stats().helpers, spawnError });
      });`;
    // The mark Pool gives its helpers (src/engine/protocol.ts, HELPER_MARK).
    const w = new Worker(code, { eval: true, workerData: 'atomics-wait-async helper' });
    const m = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    await w.terminate();
    expect(m).to.deep.equal({ installed: false, has: 'undefined', helpers: 0,
      spawnError: 'atomics-wait-async: this thread is one of its helpers, which never start helpers' });
  });
});

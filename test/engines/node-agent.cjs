// A worker_threads test agent: the package loaded in the worker (after deleting this worker's own
// Atomics.waitAsync when AWA_DEL=1 — each worker has its own globals), driven by the same
// agent-core.js the browser workers run (its postMessage/onmessage mapped onto parentPort).
'use strict';
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const path = require('path');
const vm = require('vm');

if (typeof performance === 'undefined') global.performance = require('perf_hooks').performance;
const hadWaitAsync = typeof Atomics.waitAsync === 'function';
if (workerData && workerData.del) delete Atomics.waitAsync;
const deleted = typeof Atomics.waitAsync === 'undefined';

const root = path.resolve(__dirname, '../..');
const lib = require(path.join(root, 'dist/index.cjs'));
vm.runInThisContext(fs.readFileSync(path.join(root, 'test/browser/workers/agent-core.js'), 'utf8'));
global.self = {
  postMessage: (m) => parentPort.postMessage(m),
  set onmessage(f) { parentPort.on('message', (data) => f({ data })); },
  crossOriginIsolated: undefined,
};
global.AWATest.agentCore(lib, { build: 'cjs', hadWaitAsync, deleted });

// A module worker that loads the ESM build (dist/index.browser.mjs) and obeys agent-core.js.
// ?del=1 deletes this worker's own Atomics.waitAsync first (each worker has its own globals);
// ?nestedWorkers=0 deletes its Worker constructor, as Safari before 16.4 has none in workers.
const q = new URLSearchParams(self.location.search);
const hadWaitAsync = typeof Atomics.waitAsync === 'function';
if (q.get('del') === '1') delete Atomics.waitAsync;
const deleted = typeof Atomics.waitAsync === 'undefined';
if (q.get('nestedWorkers') === '0') delete self.Worker;
try {
  const lib = await import('../../../dist/index.browser.mjs');
  await import('./agent-core.js');
  self.AWATest.agentCore(lib, { build: 'esm', hadWaitAsync, deleted, hasWorker: typeof self.Worker === 'function' });
} catch (e) {
  self.postMessage({ id: 0, ok: false, error: { name: e && e.name, message: String(e && e.message || e), stack: String(e && e.stack || '') } });
}

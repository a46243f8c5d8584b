// A module worker that loads the ESM build (dist/index.browser.mjs) and obeys agent-core.js.
// ?del=1 deletes this worker's own Atomics.waitAsync first (each worker has its own globals).
const q = new URLSearchParams(self.location.search);
const hadWaitAsync = typeof Atomics.waitAsync === 'function';
if (q.get('del') === '1') delete Atomics.waitAsync;
const deleted = typeof Atomics.waitAsync === 'undefined';
try {
  const lib = await import('../../../dist/index.browser.mjs');
  await import('./agent-core.js');
  self.AWATest.agentCore(lib, { build: 'esm', hadWaitAsync, deleted });
} catch (e) {
  self.postMessage({ id: 0, ok: false, error: { name: e && e.name, message: String(e && e.message || e), stack: String(e && e.stack || '') } });
}

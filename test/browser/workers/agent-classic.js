// A classic worker that loads the <script> build with importScripts (it installs where native is
// missing; its helper comes from a blob: URL, as a worker has no document.currentScript) and
// obeys agent-core.js. ?del=1 deletes this worker's own Atomics.waitAsync first; ?nestedWorkers=0
// deletes its Worker constructor, as Safari before 16.4 has none in workers.
(function () {
  'use strict';
  var q = new URLSearchParams(self.location.search);
  var hadWaitAsync = typeof Atomics.waitAsync === 'function';
  if (q.get('del') === '1') delete Atomics.waitAsync;
  var deleted = typeof Atomics.waitAsync === 'undefined';
  if (q.get('nestedWorkers') === '0') delete self.Worker;
  try {
    importScripts('../../../dist/atomics-wait-async.min.js', './agent-core.js');
    self.AWATest.agentCore(self.AtomicsWaitAsync, { build: 'iife', hadWaitAsync: hadWaitAsync, deleted: deleted,
      hasWorker: typeof self.Worker === 'function' });
  } catch (e) {
    self.postMessage({ id: 0, ok: false, error: { name: e && e.name, message: String(e && e.message || e), stack: String(e && e.stack || '') } });
  }
})();

// A classic worker that loads the <script> build, as importScripts or a bundler's injected
// polyfill might inside one of the package's own helpers. Started with the helpers' Worker name
// (src/engine/protocol.ts, HELPER_MARK), the build must install nothing and start no Worker
// (DESIGN §2 v3, 8); started without it (the control), it installs. ?del=1 deletes this worker's
// own Atomics.waitAsync first.
(function () {
  'use strict';
  if (new URLSearchParams(self.location.search).get('del') === '1') delete Atomics.waitAsync;
  var started = 0;
  var RealWorker = self.Worker;
  if (typeof RealWorker === 'function') {
    self.Worker = function (url, options) { started++; return new RealWorker(url, options); };
  }
  try {
    importScripts('../../../dist/atomics-wait-async.min.js');
    var l = self.AtomicsWaitAsync;
    l.ready(1).then(function () {
      self.postMessage({ installed: typeof Atomics.waitAsync === 'function', started: started, helpers: l.stats().helpers });
    }, function (e) { self.postMessage({ error: String(e) }); });
  } catch (e) {
    self.postMessage({ error: String(e) });
  }
})();

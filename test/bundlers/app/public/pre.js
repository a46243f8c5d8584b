// Runs before the bundle (a classic script: the strict CSP allows no inline script). With ?del=1 it
// deletes the native Atomics.waitAsync so the polyfill installs its shim (Chromium); it records
// every worker the page starts (URL, type, how it went), CSP violations and uncaught errors.
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var t = self.__awaTest = {
    hadWaitAsync: typeof Atomics.waitAsync === 'function',
    deleted: false,
    workers: [],
    violations: [],
    errors: [],
  };
  if (q.get('del') === '1') {
    delete Atomics.waitAsync;
    t.deleted = typeof Atomics.waitAsync === 'undefined';
  }
  // Resolves with the message of the first uncaught error the package reports (no helper could start).
  t.failure = new Promise(function (resolve) { t.fail = resolve; });
  function onError(message) {
    t.errors.push(message);
    if (/atomics-wait-async/.test(message)) t.fail(message);
  }
  self.addEventListener('error', function (e) { onError(String(e.error && e.error.message || e.message || e.type)); });
  self.addEventListener('unhandledrejection', function (e) { onError('unhandled rejection: ' + (e.reason && e.reason.message || e.reason)); });
  self.addEventListener('securitypolicyviolation', function (e) {
    t.violations.push({ blockedURI: e.blockedURI, directive: e.effectiveDirective || e.violatedDirective });
  });
  var Native = self.Worker;
  function Worker(url, options) {
    var href = String(url);
    try { if (!/^(blob|data):/i.test(href)) href = new URL(href, location.href).href; } catch (e) { /* as given */ }
    var entry = { url: href, type: options && options.type, state: 'created' };
    t.workers.push(entry);
    var w;
    try {
      w = options === undefined ? new Native(url) : new Native(url, options);
    } catch (e) {
      entry.state = 'threw ' + e.name;
      throw e;
    }
    w.addEventListener('error', function () { if (entry.state === 'created') entry.state = 'error'; });
    w.addEventListener('message', function () { if (entry.state === 'created') entry.state = 'running'; });
    return w;
  }
  Worker.prototype = Native.prototype;
  self.Worker = Worker;
})();

// Runs before any package code on the page: records whether the engine has a native
// Atomics.waitAsync, deletes it for ?del=1 (the shim runs on a native engine), records uncaught
// errors, then imports the suite named by ?suite= (test/browser/suites/<suite>.mjs).
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var boot = self.__boot = {
    hadWaitAsync: typeof Atomics.waitAsync === 'function',
    deleted: false,
    errors: [],
  };
  if (q.get('del') === '1') {
    delete Atomics.waitAsync;
    boot.deleted = typeof Atomics.waitAsync === 'undefined';
  }
  self.addEventListener('error', function (e) {
    boot.errors.push('uncaught: ' + (e.error && e.error.message || e.message || e.type));
  });
  self.addEventListener('unhandledrejection', function (e) {
    boot.errors.push('unhandled rejection: ' + (e.reason && e.reason.message || e.reason));
  });
  var suite = q.get('suite') || 'main';
  if (!/^[a-z0-9-]+$/.test(suite)) suite = 'invalid';
  import('/test/browser/suites/' + suite + '.mjs').catch(function (e) {
    var body = {
      suite: suite, params: Object.fromEntries(q), userAgent: navigator.userAgent, passed: 0, failed: 1,
      failures: [{ name: 'load suite ' + suite, message: String(e && e.message || e) }], tests: [], notes: [],
    };
    fetch('/__report/' + q.get('session'), { method: 'POST', body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (r) { if (r.next) location.href = r.next; });
  });
})();

// Runs before any package code on the bench page: records whether the engine has a native
// Atomics.waitAsync, deletes it for ?del=1 (the shim measured on an engine that has a native one),
// then loads bench.mjs. A failure to load is reported so the runner does not wait for nothing.
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  self.__boot = { hadWaitAsync: typeof Atomics.waitAsync === 'function', deleted: false };
  if (q.get('del') === '1') {
    delete Atomics.waitAsync;
    self.__boot.deleted = typeof Atomics.waitAsync === 'undefined';
  }
  import('/bench/browser/bench.mjs').catch(function (e) {
    fetch('/__report/' + q.get('session'), {
      method: 'POST', body: JSON.stringify({ error: 'could not load bench.mjs: ' + (e && e.message || e) }),
    });
  });
})();

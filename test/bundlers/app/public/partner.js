// The other thread: waits (Atomics.wait) for the page's go-ahead, then stores and notifies the
// address the page waits on with Atomics.waitAsync, once per round.
'use strict';
if (location.search.indexOf('del=1') >= 0) delete Atomics.waitAsync;
onmessage = function (e) {
  var i32 = new Int32Array(e.data.sab);
  var rounds = e.data.rounds;
  postMessage({ ready: true, hasWaitAsync: typeof Atomics.waitAsync === 'function' });
  for (var r = 1; r <= rounds; r++) {
    if (Atomics.wait(i32, 1, r - 1, 120000) === 'timed-out') {
      postMessage({ error: 'the page sent no go-ahead for round ' + r });
      return;
    }
    Atomics.store(i32, 0, r);
    Atomics.notify(i32, 0);
  }
  postMessage({ done: true });
};

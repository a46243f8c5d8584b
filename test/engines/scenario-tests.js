// The engine scenarios every non-browser host runs, whatever its threads: Node 14/15/20 and Bun
// (worker_threads, through scenarios.cjs) and Deno (Web Workers, through scenarios-web.mjs; and
// worker_threads through scenarios.cjs). Loaded as a classic script (vm.runInThisContext) or as a
// side-effect module: no import/export, nothing newer than Node 14. It only registers tests; the
// host gives it the harness, the package as loaded there, and test agents:
//
//   AWAScenarios.define(h) with h = { test(name, fn, timeout), defer(fn), note(text), assert,
//     equal, deepEqual, throws(fn, ctor, what), within(p, ms, what), until(cond, ms, what), now(),
//     lib, waitAsync, notify, expectNative, rounds, bigRounds, roundTimeout, clockSlack,
//     Agent: { start(): Promise<agent> } (agent.call(op, args, deadline) runs agent-core.js ops),
//     helperDiagnosis(): Promise<string> (what the host knows about why helpers do not work) }
(function (global) {
  'use strict';

  function define(h) {
    var test = h.test, assert = h.assert, equal = h.equal, deepEqual = h.deepEqual, throws = h.throws;
    var within = h.within, until = h.until, lib = h.lib, waitAsync = h.waitAsync, notify = h.notify;
    var expectNative = h.expectNative, Agent = h.Agent;
    var val = global.AWATest.val, pingPongWaiter = global.AWATest.pingPongWaiter;
    /** Set when the helper check below failed: the scenarios that need a helper then fail at once. */
    var noHelper = null;
    /** A scenario that needs the shim's helpers (all of them but the synchronous ones). */
    var helperTest = function (name, fn, timeout) {
      test(name, function () {
        if (noHelper) h.assert(false, 'not run: ' + noHelper);
        return fn();
      }, timeout);
    };

    test('synchronous results and validation', function () {
      var i32 = new Int32Array(new SharedArrayBuffer(16));
      var before = expectNative ? 0 : lib.stats().helpers;
      deepEqual(waitAsync(i32, 0, 1), { async: false, value: 'not-equal' }, 'not-equal');
      deepEqual(waitAsync(i32, 0, 0, 0), { async: false, value: 'timed-out' }, 'timeout 0');
      if (!expectNative) equal(lib.stats().helpers, before, 'helpers started by synchronous results');
      throws(function () { waitAsync(new Int32Array(4), 0, 0); }, TypeError, 'non-shared');
      throws(function () { waitAsync(new Float64Array(new SharedArrayBuffer(16)), 0, 0); }, TypeError, 'Float64Array');
      throws(function () { waitAsync(i32, 4, 0); }, RangeError, 'index 4');
      var i64 = new BigInt64Array(new SharedArrayBuffer(16));
      Atomics.store(i64, 1, val(true, 3));
      deepEqual(waitAsync(i64, 1, val(true, 5)), { async: false, value: 'not-equal' }, 'BigInt high bits');
      deepEqual(waitAsync(i64, 1, val(true, 3), 0), { async: false, value: 'timed-out' }, 'BigInt timeout 0');
      equal(notify(i32, 0), 0, 'notify with no waiters');
    });

    // Before any other scenario that needs a helper: does a helper thread get as far as blocking in
    // Atomics.wait for a pending waiter? If not, every later wake from another thread is lost, and
    // this test says why (the host's diagnosis) instead of five lost-wakeup timeouts saying it.
    if (!expectNative) {
      test('a pending wait gets a helper blocked in Atomics.wait for it (helpers start and get their messages)', function () {
        var i32 = new Int32Array(new SharedArrayBuffer(8));
        var r;
        try {
          r = waitAsync(i32, 0, 0, 60000);
        } catch (e) {
          noHelper = 'no helper could start here (see the helper test)';
          return h.helperDiagnosis(e).then(function (d) {
            throw new Error('waitAsync threw ' + (e && e.name) + ': ' + (e && e.message) +
              (e && e.cause ? ' [cause: ' + (e.cause.name || '') + ': ' + (e.cause.message || e.cause) + ']' : '') + d);
          });
        }
        equal(r.async, true, 'async');
        h.defer(function () { notify(i32, 0); });
        return until(function () { return lib.stats().blocked >= 1; }, 20000, 'a helper blocking').then(null, function () {
          noHelper = 'no helper ever blocked in Atomics.wait here (see the helper test)';
          var s = lib.stats();
          return h.helperDiagnosis().then(function (d) {
            throw new Error('no helper blocked in Atomics.wait within 20 s (stats: ' + s.helpers + ' helpers, ' +
              s.armed + ' armed, ' + s.blocked + ' blocked, ' + s.pending + ' pending)' + d);
          });
        });
      }, 60000);
    }

    helperTest('same-agent notify(k) wakes exactly the k oldest waiters', function () {
      var i32 = new Int32Array(new SharedArrayBuffer(8));
      var order = [];
      var all = [];
      for (var i = 0; i < 5; i++) {
        (function (k) {
          var r = waitAsync(i32, 1, 0, 60000);
          all.push(r.value.then(function (o) { order.push(k + ':' + o); }));
        })(i);
      }
      equal(notify(i32, 1, 2), 2, 'notify(2) of 5');
      return until(function () { return order.length >= 2; }, 10000, 'two settling').then(function () {
        deepEqual(order, ['0:ok', '1:ok'], 'woken');
        equal(notify(i32, 1), 3, 'notify() of 3');
        return within(Promise.all(all), 10000, 'rest settling');
      });
    });

    function mainPingPong(kind, rounds) {
      var sab = new SharedArrayBuffer(32);
      var view = kind === 'i64' ? new BigInt64Array(sab) : new Int32Array(sab);
      return Agent.start().then(function (partner) {
        var done = partner.call('partner', { sab: sab, index: 1, rounds: rounds, kind: kind, perRound: 30000 }, rounds * 30000);
        done.catch(function () {});
        return pingPongWaiter({ view: view, index: 1, rounds: rounds, kind: kind, timeout: h.roundTimeout, waitAsync: waitAsync, notify: notify })
          .then(function (s) {
            return done.then(function (p) {
              equal(s.rounds, rounds, 'rounds');
              equal(p.rounds, rounds, 'partner rounds');
              h.note('main ' + kind + ' ping-pong: ' + s.async + ' async, ' + s.notEqual + ' not-equal');
            });
          });
      });
    }
    function workerPingPong(kind, rounds) {
      var sab = new SharedArrayBuffer(32);
      return Promise.all([Agent.start(), Agent.start()]).then(function (agents) {
        var waiter = agents[0], partner = agents[1];
        return waiter.call('hello').then(function (hello) {
          equal(hello.hasNativeWaitAsync, expectNative, 'worker hasNativeWaitAsync');
          var done = partner.call('partner', { sab: sab, index: 0, rounds: rounds, kind: kind, perRound: 30000 }, rounds * 30000);
          done.catch(function () {});
          return waiter.call('waiter', { sab: sab, index: 0, rounds: rounds, kind: kind, timeout: h.roundTimeout }, rounds * h.roundTimeout)
            .then(function (s) {
              return done.then(function (p) {
                equal(s.rounds, rounds, 'rounds');
                equal(p.rounds, rounds, 'partner rounds');
              });
            });
        });
      });
    }
    helperTest('main thread waits, a worker store-then-notifies: ping-pong x' + h.rounds + ' (Int32Array)',
      function () { return mainPingPong('i32', h.rounds); }, 180000);
    helperTest('main thread waits: ping-pong x' + h.bigRounds + ' (BigInt64Array, high bits)',
      function () { return mainPingPong('i64', h.bigRounds); }, 120000);
    helperTest('a worker waits (package loaded there), another notifies: ping-pong x' + h.rounds,
      function () { return workerPingPong('i32', h.rounds); }, 180000);

    function notifyFromOtherAgent(notifier, sab, index, n) {
      var end = h.now() + 10000;
      var attempt = function () {
        return notifier.call('notify', { sab: sab, index: index, count: n === Infinity ? null : n, kind: 'i32' }).then(function (got) {
          if (got !== 0 || h.now() > end) return got;
          return new Promise(function (r) { setTimeout(r, 5); }).then(attempt);
        });
      };
      return attempt();
    }

    helperTest('another worker\'s notify(1), repeated, wakes N main-thread waiters one at a time (FIFO)', function () {
      var sab = new SharedArrayBuffer(16);
      var i32 = new Int32Array(sab);
      var N = 4;
      var order = [];
      for (var i = 0; i < N; i++) {
        (function (k) { waitAsync(i32, 1, 0, 60000).value.then(function (o) { order.push(k + ':' + o); }); })(i);
      }
      h.defer(function () { notify(i32, 1); });
      return Agent.start().then(function (notifier) {
        var k = 0;
        var next = function () {
          if (++k > N) return undefined;
          return notifyFromOtherAgent(notifier, sab, 1, 1).then(function (n) {
            equal(n, 1, 'notify(1) #' + k + ' returned');
            return until(function () { return order.length >= k; }, 10000, 'waiter ' + (k - 1) + ' settling');
          }).then(function () {
            var want = [];
            for (var j = 0; j < k; j++) want.push(j + ':ok');
            deepEqual(order, want, 'settled after notify #' + k);
            return next();
          });
        };
        return next();
      });
    });

    // Native engines wake k; so does the shim, with a helper per waiter in the native queue (up
    // to exactWaiters, 8 by default > N here).
    var foreignWakes = function (k) { return k; };
    // Where helpers cannot start while a thread waits (the browser build), they are started
    // first, as the README says to: only started ones are armed before waitAsync returns.
    var helpersFor = function (n) { return expectNative || !lib.ready ? Promise.resolve() : lib.ready(n); };

    helperTest('another worker\'s notify(k) wakes the oldest of N main-thread waiters, exactly as counted; store-then-notify-all the rest', function () {
      var sab = new SharedArrayBuffer(16);
      var i32 = new Int32Array(sab);
      var N = 6;
      var K = 2;
      var woke = foreignWakes(K);
      var order = [];
      return helpersFor(N).then(function () {
        for (var i = 0; i < N; i++) {
          (function (k) { waitAsync(i32, 2, 0, 60000).value.then(function (o) { order.push(k + ':' + o); }); })(i);
        }
        h.defer(function () { notify(i32, 2); });
        return Agent.start();
      }).then(function (notifier) {
        return notifyFromOtherAgent(notifier, sab, 2, K).then(function (n) {
          equal(n, woke, 'another agent\'s notify(' + K + ') with ' + N + ' waiters returned');
          return until(function () { return order.length >= woke; }, 10000, woke + ' settling');
        }).then(function () {
          var want = [];
          for (var j = 0; j < woke; j++) want.push(j + ':ok');
          deepEqual(order, want, 'woken');
          return notifier.call('notify', { sab: sab, index: 2, count: null, kind: 'i32', store: 1 });
        }).then(function (rest) {
          equal(rest, N - woke, 'store-then-notify-all from another agent returned');
          return until(function () { return order.length === N; }, 10000, 'all settling');
        });
      });
    });

    var TIMEOUTS = [1, 2.5, 5, 20, 50];
    helperTest('timeouts are never early: ' + TIMEOUTS.join(', ') + ' ms', function () {
      var i32 = new Int32Array(new SharedArrayBuffer(4 * TIMEOUTS.length));
      return within(Promise.all(TIMEOUTS.map(function (t, i) {
        var t0 = h.now();
        var r = waitAsync(i32, i, 0, t);
        equal(r.async, true, t + ' ms async');
        return r.value.then(function (o) { return { t: t, o: o, elapsed: h.now() - t0 }; });
      })), 20000, 'timeouts').then(function (rs) {
        rs.forEach(function (r) {
          equal(r.o, 'timed-out', r.t + ' ms outcome');
          var early = 'a ' + r.t + ' ms wait settled early, after ' + r.elapsed.toFixed(3) + ' ms';
          // The package's promise; a native engine's own timer is observed, not judged (V8 in Node
          // rounds the delay down to whole ms on libuv's loop clock and settles up to ~1 ms early).
          if (expectNative) { if (r.elapsed < r.t - h.clockSlack) h.note('native ' + early); }
          else assert(r.elapsed >= r.t - h.clockSlack, early);
        });
      });
    });
  }

  global.AWAScenarios = { define: define };
})(typeof globalThis !== 'undefined' ? globalThis : global);

// Shared by the window and every test worker (loaded with importScripts in classic workers and
// as a side-effect import in module workers and pages): the ping-pong roles and the message loop
// that lets the window drive a worker agent. No import/export, no syntax a 2020 engine lacks.
(function (global) {
  'use strict';

  var now = function () { return performance.now(); };

  /** Element value of ping-pong step x: BigInt values differ only in their high 32 bits. */
  function val(big, x) {
    return big ? (BigInt(x) << BigInt(32)) | BigInt(7) : x;
  }

  function viewOf(sab, kind) {
    return kind === 'i64' ? new BigInt64Array(sab) : new Int32Array(sab);
  }

  /**
   * The waitAsync side of a store-then-notify ping-pong. Round r: store val(2r+1) and notify (the
   * ball is with the partner), then waitAsync for the value to leave val(2r+1); the partner stores
   * val(2r+2) and notifies. A "timed-out" is a lost wakeup; an "ok" with the value unchanged is
   * a spurious one. Both fail the run with the round number.
   * Rounds alternate between two elements (index + r % 2): the partner's notify of round r may
   * land after the waiter saw its store, but it is done before the partner's store of round r+1,
   * so it can never reach the waiter of round r+2 — an "ok" without a change is truly spurious.
   */
  function pingPongWaiter(o) {
    var view = o.view, index = o.index, rounds = o.rounds, big = o.kind === 'i64';
    var waitAsync = o.waitAsync, notify = o.notify, timeout = o.timeout;
    var stats = { rounds: 0, async: 0, notEqual: 0 };
    var r = 0;
    function step() {
      for (;;) {
        if (r >= rounds) return Promise.resolve(stats);
        var at = index + (r & 1);
        var mine = val(big, 2 * r + 1);
        Atomics.store(view, at, mine);
        notify(view, at, 1);
        var res = waitAsync(view, at, mine, timeout);
        if (!res || typeof res !== 'object') throw new Error('round ' + r + ': waitAsync returned ' + res);
        if (res.async) {
          stats.async++;
          return res.value.then(function (outcome) {
            check(outcome);
            return step();
          });
        }
        if (res.value !== 'not-equal') throw new Error('round ' + r + ': synchronous ' + res.value);
        stats.notEqual++;
        check('not-equal');
      }
    }
    function check(outcome) {
      var seen = Atomics.load(view, index + (r & 1));
      if (outcome === 'timed-out') {
        throw new Error('round ' + r + ': lost wakeup: waitAsync timed out after ' + timeout +
          ' ms; value is ' + seen + ', partner stores ' + val(big, 2 * r + 2));
      }
      if (outcome !== 'ok' && outcome !== 'not-equal') throw new Error('round ' + r + ': outcome ' + outcome);
      if (seen !== val(big, 2 * r + 2)) {
        throw new Error('round ' + r + ': spurious wakeup (' + outcome + ') while the value is ' + seen +
          ', not the partner\'s ' + val(big, 2 * r + 2));
      }
      r++;
      stats.rounds = r;
    }
    try {
      return step();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The partner: blocks in Atomics.wait (workers only), stores val(2r+2), notifies. */
  function pingPongPartner(o) {
    var view = o.view, index = o.index, rounds = o.rounds, big = o.kind === 'i64';
    var notify = o.notify || Atomics.notify;
    var perRound = o.perRound || 20000;
    var waits = 0;
    for (var r = 0; r < rounds; r++) {
      var at = index + (r & 1);
      var want = val(big, 2 * r + 1);
      var end = now() + perRound;
      for (;;) {
        var c = Atomics.load(view, at);
        if (c === want) break;
        var left = end - now();
        if (left <= 0) throw new Error('partner round ' + r + ': the waiter never passed the ball (value ' + c + ')');
        Atomics.wait(view, at, c, left);
        waits++;
      }
      Atomics.store(view, at, val(big, 2 * r + 2));
      notify(view, at);
    }
    return { rounds: rounds, waits: waits };
  }

  function errorInfo(e) {
    return { name: e && e.name, message: String(e && e.message || e), stack: String(e && e.stack || '') };
  }

  /**
   * Message loop of a test worker. `lib` is the package as loaded in this worker; `env` says how
   * ({ build, deleted, hadWaitAsync }). Requests { id, op, ... } get { id, ok, value | error }.
   */
  function agentCore(lib, env) {
    var useGlobal = env.build === 'iife';
    var waitAsync = function (a, b, c, d) { return (useGlobal ? Atomics.waitAsync : lib.waitAsync)(a, b, c, d); };
    var notify = function (a, b, c) { return (useGlobal ? Atomics.notify : lib.notify)(a, b, c); };
    var groups = {};

    var ops = {
      hello: function () {
        return {
          build: env.build,
          hadWaitAsync: env.hadWaitAsync,
          deleted: env.deleted,
          hasNativeWaitAsync: lib.hasNativeWaitAsync,
          globalWaitAsync: typeof Atomics.waitAsync,
          globalIsShim: Atomics.waitAsync === lib.shim.waitAsync,
          crossOriginIsolated: self.crossOriginIsolated,
          hasWorker: env.hasWorker,
        };
      },
      /**
       * One waitAsync on (sab, index) expecting `value`: what it returned or threw, and how many
       * waiters the package has pending afterwards. An async result is left pending.
       */
      tryWait: function (m) {
        var view = viewOf(m.sab, m.kind);
        var value = m.kind === 'i64' ? BigInt(m.value) : m.value;
        var out = {};
        try {
          var res = waitAsync(view, m.index, value, m.timeout === null ? undefined : m.timeout);
          out.async = res.async;
          if (!res.async) out.value = res.value;
        } catch (err) {
          out.threw = { name: err && err.name, isError: err instanceof Error, message: String(err && err.message || err) };
        }
        out.pending = lib.stats ? lib.stats().pending : undefined;
        return out;
      },
      partner: function (m) {
        return pingPongPartner({ view: viewOf(m.sab, m.kind), index: m.index, rounds: m.rounds, kind: m.kind,
          perRound: m.perRound, notify: notify });
      },
      waiter: function (m) {
        return pingPongWaiter({ view: viewOf(m.sab, m.kind), index: m.index, rounds: m.rounds, kind: m.kind,
          timeout: m.timeout, waitAsync: waitAsync, notify: notify });
      },
      /** Registers n async waiters on (sab, index) expecting `value`; remembers them as `group`. */
      register: function (m) {
        var view = viewOf(m.sab, m.kind);
        var g = groups[m.group] = { outcomes: [], order: [], settled: 0 };
        var value = m.kind === 'i64' ? BigInt(m.value) : m.value;
        var sync = [];
        g.all = [];
        // The shim in a browser arms a wait in time only with a started helper: start them first,
        // as the README says (ready()).
        var shimmed = lib.ready && lib.shim && (useGlobal ? Atomics.waitAsync : lib.waitAsync) === lib.shim.waitAsync;
        return (shimmed ? lib.ready(m.n) : Promise.resolve()).then(function () {
          for (var i = 0; i < m.n; i++) {
            var res = waitAsync(view, m.index, value, m.timeout === null ? undefined : m.timeout);
            if (!res.async) { sync.push(res.value); continue; }
            g.all.push(res.value.then((function (k) {
              return function (o) { g.outcomes[k] = o; g.order.push(k); g.settled++; };
            })(i)));
          }
          return { registered: g.all.length, sync: sync };
        });
      },
      /** Outcomes of a group once `count` of them settled (or all, by default), or at the deadline. */
      collect: function (m) {
        var g = groups[m.group];
        var want = m.count == null ? g.all.length : m.count;
        var end = now() + m.deadline;
        return new Promise(function (resolve) {
          (function poll() {
            if (g.settled >= want || now() >= end) {
              resolve({ settled: g.settled, outcomes: g.outcomes.slice(), order: g.order.slice() });
            } else setTimeout(poll, 1);
          })();
        });
      },
      notify: function (m) {
        var view = viewOf(m.sab, m.kind);
        if (m.store !== undefined) Atomics.store(view, m.index, m.kind === 'i64' ? BigInt(m.store) : m.store);
        var count = m.count === null ? undefined : m.count;
        return m.via === 'native' ? Atomics.notify(view, m.index, count) : notify(view, m.index, count);
      },
      /** Timed-out waits: elapsed time from the call to the settlement, for each timeout. */
      timeouts: function (m) {
        var view = new Int32Array(m.sab);
        return Promise.all(m.list.map(function (t, i) {
          var t0 = now();
          var res = waitAsync(view, i, 0, t);
          if (!res.async) return { t: t, outcome: 'sync ' + res.value, elapsed: 0 };
          return res.value.then(function (o) { return { t: t, outcome: o, elapsed: now() - t0 }; });
        }));
      },
      stats: function () {
        var s = lib.stats();
        return { helpers: s.helpers, armed: s.armed, blocked: s.blocked, pending: s.pending };
      },
      /** Fault injection: ends this worker's helper threads the way a crash would (the shim's test hook). */
      crash: function (m) {
        return lib.crashHelpers(m.which);
      },
      /**
       * Loads a core (CPU starvation tests): counts itself in element 1 of `sab`, then spins until
       * element 0 is non-zero. Its event loop is blocked meanwhile, as a busy thread's would be.
       */
      spin: function (m) {
        var stop = new Int32Array(m.sab);
        Atomics.add(stop, 1, 1);
        var n = 0;
        while (Atomics.load(stop, 0) === 0) n++;
        return n;
      },
    };

    self.onmessage = function (e) {
      var m = e.data;
      var reply = function (ok, v) {
        try {
          self.postMessage(ok ? { id: m.id, ok: true, value: v } : { id: m.id, ok: false, error: errorInfo(v) });
        } catch (err) {
          self.postMessage({ id: m.id, ok: false, error: errorInfo(err) });
        }
      };
      try {
        if (!ops[m.op]) throw new Error('unknown op ' + m.op);
        Promise.resolve(ops[m.op](m)).then(function (v) { reply(true, v); }, function (err) { reply(false, err); });
      } catch (err) {
        reply(false, err);
      }
    };
    self.postMessage({ id: 0, ok: true, value: 'loaded' });
  }

  global.AWATest = { val: val, viewOf: viewOf, pingPongWaiter: pingPongWaiter, pingPongPartner: pingPongPartner,
    agentCore: agentCore, errorInfo: errorInfo };
})(typeof globalThis !== 'undefined' ? globalThis : self);

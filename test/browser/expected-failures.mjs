// Failures the matrix expects because of a bug in the engine itself, each with the reason. A
// failure is excused only if its engine, mode, page and test match AND its message carries the
// diagnosis the suite wrote for exactly that bug (so any other failure of the same test still
// counts). The runner prints every excused failure with its reason, and says when a deterministic
// one did not happen (the engine may have been fixed: then remove the entry).
// Bugs in this package never go here.
const WEBKIT_WORKER_SETTLEMENT =
  'WebKitGTK 2.50.6 (JavaScriptCore) bug, native Atomics.waitAsync in a dedicated worker: a waiter that ' +
  'times out, and now and then one woken by another thread\'s Atomics.notify, is not settled until some ' +
  'other task (a message, a timer) wakes that worker\'s event loop; an idle worker never sees it. One ' +
  'message to the worker settles it at once. Windows are not affected, nor is this package\'s shim in the ' +
  'same workers (its helper settles waiters by postMessage, a task). Minimal case: in a worker, ' +
  'Atomics.waitAsync(i32, 0, 0, 50) settles only when the next message arrives.';
const STALLED = /the engine had not run the settlement of a waitAsync promise in that worker until another task woke its event loop/;

export const EXPECTED_FAILURES = [
  {
    engine: 'webkit', mode: 'native', page: /^main\//,
    test: /^timeouts are never early: .* \(dedicated worker\)$/,
    message: STALLED,
    deterministic: true, // nothing else runs in that worker while its waits time out
    reason: WEBKIT_WORKER_SETTLEMENT,
  },
  {
    engine: 'webkit', mode: 'native', page: /^main\//,
    test: /^a dedicated worker waits/,
    message: STALLED,
    deterministic: false, // a ping-pong of 1,000 rounds stalls in about one run of three
    reason: WEBKIT_WORKER_SETTLEMENT,
  },
];

/** The entry that excuses this failure, or undefined. */
export function expectedFailure(engine, mode, page, test, message) {
  return EXPECTED_FAILURES.find((x) => x.engine === engine && x.mode === mode && x.page.test(page) &&
    x.test.test(test) && x.message.test(message));
}

// A user's preload, as the README's recipe writes it: it polyfills every thread of the app that
// loads it (main thread and workers). Node 20 has a native Atomics.waitAsync: deleted here, in each
// thread, so the shim runs as on Node 14/15. The main thread first notes its OS thread count.
const { isMainThread } = require('worker_threads');
if (isMainThread) globalThis.awaBaseline = require('fs').readdirSync('/proc/self/task').length;
delete Atomics.waitAsync;
require('../../../../dist/polyfill.cjs');

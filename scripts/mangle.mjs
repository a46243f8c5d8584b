// Property names of internal records, shortened in the browser builds (dist/index.browser.mjs, the
// <script> build). Invariant: every name listed is read and written only inside one build's own
// code, never by users, tests, the helper (a separate build) or the host. Property mangling renames
// by name, not by type, so a name also used publicly stays out of the list even where one use is
// internal: the API and its options (configure, install, waitFor), the fields of stats() (helpers,
// armed, blocked, pending, buffer, byteIndex, helper, ...), what crosses the wire to the helper
// (type, token, ctrl, tickets, idle, id, buf, port), and the host's (import.meta.url, name, message,
// terminate, postMessage, bind, resolve, push, get, set, ...). A name missing here only costs bytes.
// One listed name is also the host's: `register` (Engine.register; FinalizationRegistry's is
// read quoted in src/intrinsics.ts, which the renaming leaves alone).
// Bundlers' minifiers keep property names, so this is done at our build time.
import { transform } from 'esbuild';

export const INTERNAL_PROPS = [
  // Engine (src/engine/engine.ts)
  'table', 'pool', 'deadlines', 'seq', 'missed', 'ending', 'ownInflight', 'ownTimer', 'needy', 'needyTimer',
  'held', 'platform', 'spawnError', 'prestart', 'enqueue', 'enqueueCancellable', 'register', 'notQueued',
  'awaitOwnWakes', 'onWake', 'claim', 'settleWoken', 'swap', 'wakeArrived', 'woke', 'free', 'judge', 'recycle',
  'onChanged', 'onLost', 'expire', 'finish', 'detach', 'refill', 'settle', 'needs', 'feed', 'expectWakes',
  'count', 'refreshKeepAlive', 'releaseAll',
  // Pool and Helper (src/engine/pool.ts)
  'bufferIds', 'nextBufferId', 'failStreak', 'ticketsI32', 'readyWaiters', 'events', 'parked', 'knows', 'idOf',
  'send', 'freeCount', 'arm', 'rearm', 'write', 'moveDeadline', 'awaitBuffer', 'awaitArming', 'awaitChanged',
  'cancel', 'cancelArming', 'release', 'spare', 'spawn', 'ticket', 'checkReady', 'drop', 'failed', 'crash', 'endAll',
  'ctrl64', 'known', 'sent', 'waiter', 'armSeq', 'owed', 'recycled', 'until', 'alive', 'handle', 'sab',
  'state', 'blockedAt', 'wokeAt', 'wake', 'changed', 'lost', 'started',
  // Platform, HelperHandle (src/platform/types.ts) and the web adapter's candidates
  'startsWhileBlocked', 'setTimer', 'clearTimer', 'post', 'label', 'start', 'refused',
  // Waiter, Address, AddressTable (src/engine/waiters.ts)
  'address', 'index', 'kind', 'abortable', 'deadline', 'heapIndex', 'covered', 'done', 'prev', 'next',
  'expireWait', 'head', 'tail', 'stale', 'uncoveredAt', 'ownCredit', 'judgeTimer', 'unarm', 'unlink',
  'firstUnarmed', 'byBuffer', 'live', 'getOrCreate', 'forgetIfIdle',
  // Deadlines (src/deadlines.ts), the clock, spec records, waitFor's handle
  'heap', 'timer', 'timerAt', 'remove', 'schedule', 'fire', 'up', 'down', 'resolution',
  'sync', 'big', 'shared', 'object', 'promise',
];

const pattern = new RegExp(`^(?:${INTERNAL_PROPS.join('|')})$`);

/** Rollup output plugin: renames the listed properties of a chunk, leaving the code otherwise as it is. */
export function mangleInternals() {
  return {
    name: 'mangle-internals',
    async renderChunk(code) {
      const r = await transform(code, { mangleProps: pattern, charset: 'utf8', legalComments: 'inline' });
      return { code: r.code, map: null };
    },
  };
}

// Browser host: helpers are Web Workers from the shipped dist/helper.js, falling back to a blob:
// URL of the same code; when CSP forbids both, an Error names the fix.
//
// Finding the shipped file: the ESM build names it with the literal worker reference of
// virtual:helper-url (a `new Worker` of a `new URL` of ./helper.js relative to import.meta.url),
// which Vite and webpack turn into an emitted worker chunk; esbuild and Rollup leave it pointing next
// to the bundle. The <script> build finds atomics-wait-async.helper.js next to its own src.
// A worker is never started from a data: URL (a bundler that inlined the file): that candidate is
// refused, named in the error, and the next one is tried.
//
// Browsers report a CSP `worker-src` block asynchronously: `new Worker(url)` returns, then the
// worker fires an `error` event (measured in Chromium 156 and Firefox 140/153; a
// `securitypolicyviolation` event precedes it). So the first waitAsync on such a page cannot throw.
// What we do instead: the failure is reported once as an uncaught error (reportError: console and
// window.onerror), and every later spawn — hence every later waitAsync that needs a helper — throws
// the same Error synchronously, instead of retrying workers in a loop.
import HELPER_SOURCE from 'virtual:helper-source';
import { helperUrl, shippedWorker } from 'virtual:helper-url';
import { config } from '../config';
import { G } from '../intrinsics';
import { HELPER_MARK, type AgentMessage } from '../engine/protocol';
import type { HelperEvents, Platform } from './types';

declare const reportError: ((e: unknown) => void) | undefined;

// Captured at load: user code replacing the timer globals later cannot break deadlines.
const setT = setTimeout;
const clearT = clearTimeout;

/** One way to start a helper. Without `start` it was refused (`refused` says why), never tried. */
interface Candidate {
  /** The worker's URL where known (a bundler may route the shipped reference past us). */
  url: string | undefined;
  label: string;
  start?: () => Worker;
  refused?: string;
}

const DATA_REFUSED = 'refused: a helper never starts from a data: URL, which has an opaque origin ' +
  "and is not covered by worker-src 'self'; a bundler inlined the helper file: emit it as a file " +
  '(see the README, "Bundlers")';

let blobUrl: string | undefined;
/** The shipped helper as the bundle resolved it (probed once). */
let shipped: Candidate | undefined;
/** The first candidate that started a helper: later helpers go straight to it. */
let good: Candidate | undefined;
/** Every way to start a helper failed before any ever started: later spawns throw this at once. */
let blocked: Error | undefined;
/** CSP violations for worker scripts: blocked URI (browsers say "blob" for blob: URLs) → policy. */
const violations = new Map<string, string>();
let listening = false;

function listenForViolations(): void {
  if (listening || typeof addEventListener !== 'function') return;
  listening = true;
  try {
    addEventListener('securitypolicyviolation', (e: Event) => {
      const v = e as SecurityPolicyViolationEvent;
      if (v.effectiveDirective === 'worker-src' || /^(worker|child|script|default)-src/.test(v.violatedDirective || '')) {
        violations.set(v.blockedURI, v.originalPolicy || v.violatedDirective);
      }
    });
  } catch { /* no events here */ }
}

function fromUrl(url: string, options?: WorkerOptions): Candidate {
  if (/^\s*data:/i.test(url)) return { url, label: 'a data: URL', refused: DATA_REFUSED };
  return { url, label: url, start: () => startWorker(url, options) };
}

/**
 * A classic worker, or a module worker where the host runs only those (Deno throws
 * NotSupportedError for classic ones). The helper has no imports or exports: it runs as either.
 */
function startWorker(url: string, options?: WorkerOptions): Worker {
  const name = HELPER_MARK; // how the helper knows itself (Platform.isHelper)
  try {
    return new Worker(url, { ...options, name });
  } catch (e) {
    if (!(e instanceof Error) || e.name !== 'NotSupportedError' || (options && options.type === 'module')) throw e;
    return new Worker(url, { type: 'module', name });
  }
}

/**
 * Where the bundled worker reference to ./helper.js points, learnt without starting anything: the
 * expression runs once against a stand-in global Worker that only records its arguments, and the
 * real one is put back before any other code can run. So a data: URL a bundler put there is
 * refused before it starts, and errors name the real URL.
 */
function probeShipped(expr: () => Worker): Candidate {
  const g = G as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(g, 'Worker');
  let seen: { url: string; options?: WorkerOptions } | undefined;
  let stray: { terminate?: unknown } | undefined;
  if (!own || own.configurable) {
    const recorder = function (url: unknown, options?: WorkerOptions) {
      seen = { url: String(url), options };
      return {};
    };
    try {
      Object.defineProperty(g, 'Worker', { value: recorder, writable: true, configurable: true });
      try {
        stray = expr() as never;
      } finally {
        if (own) Object.defineProperty(g, 'Worker', own);
        else delete g.Worker;
      }
    } catch {
      seen = undefined;
    }
  }
  if (seen) return fromUrl(seen.url, seen.options);
  // The expression did not go through the global Worker (an unusual bundler): a worker it may have
  // started is not ours to keep; start it as it is, URL unknown.
  if (stray && typeof stray.terminate === 'function') (stray as Worker).terminate();
  return { url: undefined, label: 'the bundled helper.js (URL unknown)', start: expr };
}

function describe(c: Candidate): string {
  if (c.refused) return `${c.label} (${c.refused})`;
  const url = c.url;
  if (url === undefined) return c.label;
  const blob = url.startsWith('blob:');
  const name = blob ? 'a blob: URL' : url;
  const policy = violations.get(blob ? 'blob' : url) ?? (blob ? undefined : violations.get(url.split('#')[0]));
  return policy !== undefined ? `${name} (blocked by Content-Security-Policy "${policy}")` : `${name} (did not start)`;
}

function cspError(tried: Candidate[], cause?: unknown): Error {
  // A Worker constructor that threw for another reason than a policy says so in its own words.
  const thrown = cause instanceof Error && !violations.size && cause.name !== 'SecurityError'
    ? ` The Worker constructor threw ${cause.name}: ${cause.message}.` : '';
  const e = new Error(
    'atomics-wait-async: no helper worker could start (tried ' + (tried.map(describe).join(', ') || 'nothing') + ').' +
    thrown + " If the page sends a Content-Security-Policy, allow the helper with worker-src 'self' and serve " +
    'dist/helper.js from your origin, next to your bundle (esbuild and Rollup do not copy it: see the ' +
    'README, "Bundlers"), or point configure({ helperUrl }) at it; or allow worker-src blob:.');
  (e as { cause?: unknown }).cause = cause;
  return e;
}

/** Makes an asynchronously detected failure visible once: console and the global error event. */
function surface(e: Error): void {
  try {
    if (typeof reportError === 'function') reportError(e);
    else setTimeout(() => { throw e; }, 0);
  } catch { /* never let reporting break the engine */ }
}

function candidates(): Candidate[] {
  if (good) return [good];
  const list: Candidate[] = [];
  if (config.helperUrl) list.push(fromUrl(config.helperUrl));
  else if (shippedWorker) list.push(shipped ??= probeShipped(shippedWorker));
  else {
    const own = helperUrl();
    if (own) list.push(fromUrl(own));
  }
  if (!config.helperUrl && typeof Blob === 'function' && typeof URL === 'function' && URL.createObjectURL) {
    try {
      const url = blobUrl ??= URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' }));
      list.push({ url, label: 'a blob: URL', start: () => startWorker(url) });
    } catch { /* no blob URLs here */ }
  }
  return list;
}

export const platform: Platform = {
  name: 'web',
  // A dedicated worker's name; a window has a document (and a `name` of its own that users set).
  isHelper: typeof document === 'undefined' && (G as unknown as { name?: unknown }).name === HELPER_MARK,
  startsWhileBlocked: false,
  spawn(events: HelperEvents) {
    if (blocked) throw blocked;
    if (typeof Worker !== 'function') {
      throw new Error('atomics-wait-async: this context has no Worker constructor (Safari before 16.4 has ' +
        'none inside workers), so no helper thread can run Atomics.wait for it: wait from the window, or ' +
        'use Atomics.wait in this worker.');
    }
    listenForViolations();
    const queue = candidates();
    const tried: Candidate[] = [];
    const log: AgentMessage[] = []; // replayed if a worker that started fails before it is ready
    let worker: Worker | undefined;
    // Agent → helper messages go through a channel of their own: Chromium delivers a worker's
    // postMessage to its nested worker only once the sender returns to its event loop, but a
    // MessagePort's at once (measured in Chromium 156: 0.05 ms, against never while the agent
    // waits for its helper to block on a buffer the helper has not received yet).
    let port: MessagePort | Worker | undefined;
    let ready = false;
    let dead = false;

    /** Nothing could start. A block is permanent unless a helper once started here. */
    const giveUp = (err: Error): void => {
      if (!good && !blocked) {
        blocked = err;
        surface(err);
      }
    };

    const start = (first: boolean): void => {
      let lastError: unknown;
      while (queue.length) {
        const candidate = queue.shift()!;
        tried.push(candidate);
        if (!candidate.start) continue; // refused: named in the error
        try {
          const w = candidate.start();
          w.onmessage = (e: MessageEvent) => {
            if (!ready && e.data && e.data.type === 'ready') {
              ready = true;
              good = candidate;
              log.length = 0;
            }
            events.message(e.data);
          };
          w.onerror = (e: Event) => {
            e.preventDefault?.();
            w.terminate();
            if (dead) return;
            if (!ready && queue.length) return start(false);
            dead = true;
            let err: Error;
            if (ready) {
              err = new Error('atomics-wait-async: helper failed: ' + ((e as ErrorEvent).message || 'error'));
            } else {
              err = cspError(tried, e);
              giveUp(err);
            }
            events.failed(err);
          };
          worker = w;
          port = w;
          if (typeof MessageChannel === 'function') {
            const ch = new MessageChannel();
            w.postMessage({ type: 'port', port: ch.port2 }, [ch.port2]);
            port = ch.port1;
          }
          for (const m of log) port.postMessage(m);
          return;
        } catch (e) {
          lastError = e;
        }
      }
      const err = cspError(tried, lastError);
      if (!first) giveUp(err);
      else if (!good) blocked = err; // thrown right here: no need to report it as well
      if (first) throw err;
      dead = true;
      events.failed(err);
    };
    start(true);

    return {
      post(m) {
        if (!ready) log.push(m);
        port!.postMessage(m);
      },
      terminate() {
        dead = true;
        worker?.terminate();
      },
    };
  },
  setTimer: (fn, ms) => setT(fn, ms),
  clearTimer: (h) => clearT(h as number),
  keepAlive() {},
};

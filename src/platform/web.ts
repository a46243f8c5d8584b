// Browser host: helpers are Web Workers from the shipped dist/helper.js (found next to the bundle),
// falling back to a blob: URL of the same code; when CSP forbids both, an Error names the fix.
//
// Browsers report a CSP `worker-src` block asynchronously: `new Worker(url)` returns, then the
// worker fires an `error` event (measured in Chromium 156 and Firefox 140/153; a
// `securitypolicyviolation` event precedes it). So the first waitAsync on such a page cannot throw.
// What we do instead: the failure is reported once as an uncaught error (reportError: console and
// window.onerror), and every later spawn — hence every later waitAsync that needs a helper — throws
// the same Error synchronously, instead of retrying workers in a loop.
import HELPER_SOURCE from 'virtual:helper-source';
import { helperUrl } from 'virtual:helper-url';
import { config } from '../config';
import type { AgentMessage } from '../engine/protocol';
import type { HelperEvents, Platform } from './types';

declare const reportError: ((e: unknown) => void) | undefined;

// Captured at load: user code replacing the timer globals later cannot break deadlines.
const setT = setTimeout;
const clearT = clearTimeout;

let blobUrl: string | undefined;
/** The first URL that started a helper: later helpers go straight to it. */
let good: string | undefined;
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

function describe(url: string): string {
  const blob = url.startsWith('blob:');
  const name = blob ? 'a blob: URL' : url;
  const policy = violations.get(blob ? 'blob' : url) ?? (blob ? undefined : violations.get(url.split('#')[0]));
  return policy !== undefined ? `${name} (blocked by Content-Security-Policy "${policy}")` : name;
}

function cspError(tried: string[], cause?: unknown): Error {
  const e = new Error(
    'atomics-wait-async: no helper worker could start (tried ' + (tried.map(describe).join(', ') || 'nothing') + '). ' +
    "If the page sends a Content-Security-Policy, allow the helper with worker-src 'self' and serve " +
    'dist/helper.js from your origin (or point configure({ helperUrl }) at it), or allow worker-src blob:.');
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

function candidates(): string[] {
  if (good) return [good];
  const list: string[] = [];
  const own = config.helperUrl ?? helperUrl();
  if (own) list.push(own);
  if (!config.helperUrl && typeof Blob === 'function' && typeof URL === 'function' && URL.createObjectURL) {
    try {
      blobUrl ??= URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' }));
      list.push(blobUrl);
    } catch { /* no blob URLs here */ }
  }
  return list;
}

export const platform: Platform = {
  name: 'web',
  spawn(events: HelperEvents) {
    if (blocked) throw blocked;
    if (typeof Worker !== 'function') {
      throw new Error('atomics-wait-async: this context has no Worker constructor, so no helper thread can ' +
        'run Atomics.wait for it. Use it from a window or a dedicated worker.');
    }
    listenForViolations();
    const urls = candidates();
    const tried: string[] = [];
    const log: AgentMessage[] = []; // replayed if a worker that started fails before it is ready
    let worker: Worker | undefined;
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
      while (urls.length) {
        const url = urls.shift()!;
        tried.push(url);
        try {
          const w = new Worker(url);
          w.onmessage = (e: MessageEvent) => {
            if (!ready && e.data && e.data.type === 'ready') {
              ready = true;
              good = url;
              log.length = 0;
              return;
            }
            events.message(e.data);
          };
          w.onerror = (e: Event) => {
            e.preventDefault?.();
            w.terminate();
            if (dead) return;
            if (!ready && urls.length) return start(false);
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
          for (const m of log) w.postMessage(m);
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
        worker!.postMessage(m);
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

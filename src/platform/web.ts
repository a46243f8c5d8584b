// Browser host: helpers are Web Workers from the shipped dist/helper.js (found next to the bundle),
// falling back to a blob: URL of the same code; when CSP forbids both, an Error names the fix.
import HELPER_SOURCE from 'virtual:helper-source';
import { helperUrl } from 'virtual:helper-url';
import { config } from '../config';
import type { AgentMessage } from '../protocol';
import type { HelperEvents, Platform } from './types';

let blobUrl: string | undefined;
/** The first URL that started a helper: later helpers go straight to it. */
let good: string | undefined;

function cspError(tried: string[], cause?: unknown): Error {
  const e = new Error(
    'atomics-wait-async: no helper worker could start (tried ' + (tried.join(', ') || 'nothing') + '). ' +
    "If the page sends a Content-Security-Policy, allow the helper with worker-src 'self' and serve " +
    'dist/helper.js from your origin (or point configure({ helperUrl }) at it), or allow worker-src blob:.');
  (e as { cause?: unknown }).cause = cause;
  return e;
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
    if (typeof Worker !== 'function') {
      throw new Error('atomics-wait-async: this context has no Worker constructor, so no helper thread can ' +
        'run Atomics.wait for it. Use it from a window or a dedicated worker.');
    }
    const urls = candidates();
    const tried: string[] = [];
    const log: AgentMessage[] = []; // replayed if a worker that started fails before it is ready
    let worker: Worker | undefined;
    let ready = false;
    let dead = false;

    const start = (first: boolean): void => {
      let lastError: unknown;
      while (urls.length) {
        const url = urls.shift()!;
        tried.push(url.startsWith('blob:') ? 'a blob: URL' : url);
        try {
          const w = new Worker(url);
          w.onmessage = (e: MessageEvent) => {
            if (!ready && e.data && e.data.ready) {
              ready = true;
              good = url;
              log.length = 0;
              return;
            }
            events.message(e.data);
          };
          w.onerror = (e: ErrorEvent) => {
            e.preventDefault?.();
            w.terminate();
            if (dead) return;
            if (!ready && urls.length) return start(false);
            dead = true;
            events.failed(ready ? new Error('atomics-wait-async: helper failed: ' + (e.message || 'error'))
              : cspError(tried, e));
          };
          worker = w;
          for (const m of log) w.postMessage(m);
          return;
        } catch (e) {
          lastError = e;
        }
      }
      const err = cspError(tried, lastError);
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
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as number),
  keepAlive() {},
};

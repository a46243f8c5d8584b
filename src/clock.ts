// Monotonic milliseconds, plus the offset that puts them on a clock helpers in other threads share
// (performance.now() + timeOrigin, which each thread has with its own origin). Captured at load,
// like the other intrinsics: a replaced performance.now cannot stop deadlines.
declare const process: { hrtime?(t?: [number, number]): [number, number] } | undefined;

interface Clock { now(): number; timeOrigin: number; resolution: number }

function pick(): Clock {
  if (typeof performance !== 'undefined' && typeof performance.now === 'function') {
    return { now: performance.now.bind(performance), timeOrigin: performance.timeOrigin ?? 0, resolution: 0 };
  }
  // Node 14/15 have no global performance (only perf_hooks, which an ES module cannot require).
  if (typeof process === 'object' && process && typeof process.hrtime === 'function') {
    const hrtime = process.hrtime;
    const t0 = hrtime();
    const now = () => { const d = hrtime(t0); return d[0] * 1e3 + d[1] / 1e6; };
    return { now, timeOrigin: Date.now() - now(), resolution: 0 };
  }
  // Whole milliseconds: a deadline one tick later so that nothing settles before its timeout.
  return { now: Date.now, timeOrigin: 0, resolution: 1 };
}

const clock = pick();
export const now: () => number = clock.now;
export const timeOrigin: number = clock.timeOrigin;
/** Added to every deadline: the clock's granularity, so a timeout never settles early. */
export const resolution: number = clock.resolution;

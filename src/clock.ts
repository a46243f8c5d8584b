// Monotonic milliseconds, plus the offset that puts them on a clock helpers in other threads share.
const perf: { now(): number; timeOrigin?: number } =
  typeof performance !== 'undefined' ? performance : { now: () => Date.now() };

export const now: () => number = () => perf.now();
/** performance.now() + timeOrigin is comparable across threads (each has its own origin). */
export const timeOrigin: number = perf.timeOrigin ?? 0;

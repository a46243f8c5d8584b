// Timeouts for every pending waiter of this agent: a binary min-heap and one host timer for the
// earliest deadline (not one timer per waiter). Timers may fire early, so expiry re-checks now().
import { now } from './clock';
import { MathCeil } from './intrinsics';
import type { Platform } from './platform/types';

export interface Timed {
  deadline: number; // on now()'s clock
  heapIndex: number; // -1 when not in the heap
}

export class Deadlines<T extends Timed> {
  private heap: T[] = [];
  private timer: unknown = undefined;
  private timerAt = Infinity;

  constructor(private readonly platform: Platform, private readonly expire: (item: T) => void) {}

  get size(): number {
    return this.heap.length;
  }

  add(item: T): void {
    item.heapIndex = this.heap.length;
    this.heap[this.heap.length] = item;
    this.up(item.heapIndex);
    this.schedule();
  }

  remove(item: T): void {
    const i = item.heapIndex;
    if (i < 0) return;
    item.heapIndex = -1;
    const last = this.heap[this.heap.length - 1];
    this.heap.length--;
    if (last !== item) {
      this.heap[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
    if (!this.heap.length) this.cancel();
  }

  private schedule(): void {
    const top = this.heap[0];
    if (!top) return this.cancel();
    if (this.timer !== undefined && this.timerAt <= top.deadline) return;
    this.cancel();
    this.timerAt = top.deadline;
    // Hosts overflow past 2^31 - 1 ms (Node warns and fires at once): fire early and re-arm.
    const left = MathCeil(top.deadline - now());
    const delay = left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : left;
    this.timer = this.platform.setTimer(() => this.fire(), delay);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.platform.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const t = now();
    let top: T | undefined;
    while ((top = this.heap[0]) && top.deadline <= t) {
      this.remove(top);
      this.expire(top);
    }
    this.schedule();
  }

  private up(i: number): void {
    const h = this.heap;
    const item = h[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].deadline <= item.deadline) break;
      h[i] = h[p];
      h[i].heapIndex = i;
      i = p;
    }
    h[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const item = h[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && h[c + 1].deadline < h[c].deadline) c++;
      if (h[c].deadline >= item.deadline) break;
      h[i] = h[c];
      h[i].heapIndex = i;
      i = c;
    }
    h[i] = item;
    item.heapIndex = i;
  }
}

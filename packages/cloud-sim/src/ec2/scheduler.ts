interface Scheduled {
  at: number;
  order: number;
  run: () => void;
}

/**
 * Time-ordered queue of pending transitions (pending -> running, creating -> available...).
 * Nothing runs on a timer: the state settles due events at the start of each request, so a
 * delay of 0 means "visible from the next request on", exactly like EC2's eventual states.
 */
export class Scheduler {
  private queue: Scheduled[] = [];
  private head = 0;
  private counter = 0;

  constructor(private readonly now: () => number) {}

  at(time: number, run: () => void): void {
    const item = { at: time, order: this.counter++, run };
    // Most events land after everything queued (same delay, later time): append fast path.
    const last = this.queue[this.queue.length - 1];
    if (!last || last.at <= time) {
      this.queue.push(item);
      return;
    }
    let lo = this.head;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.queue[mid]!.at <= time) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, item);
  }

  after(delayMs: number, run: () => void): void {
    this.at(this.now() + Math.max(0, delayMs), run);
  }

  /** Runs every event that is due; events scheduled while settling run if already due. */
  settle(): void {
    const now = this.now();
    while (this.head < this.queue.length && this.queue[this.head]!.at <= now) {
      const item = this.queue[this.head++]!;
      item.run();
    }
    if (this.head > 1024 && this.head > this.queue.length / 2) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  get pending(): number {
    return this.queue.length - this.head;
  }
}

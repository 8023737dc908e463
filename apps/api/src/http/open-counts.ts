/** Connections each person holds open in this process (terminals, event streams), for per-person caps. */
export class OpenCounts {
  private readonly counts = new Map<string, number>();

  constructor(
    /** Read at each check, so a test or a settings change applies to the next connection. */
    private readonly max: () => number,
    /** Follows the process-wide total (a metrics gauge). */
    private readonly total?: { inc(): void; dec(): void },
  ) {}

  count(userId: string): number {
    return this.counts.get(userId) ?? 0;
  }

  full(userId: string): boolean {
    return this.count(userId) >= this.max();
  }

  /** Counts one more open connection; the returned function counts it closed (once). */
  open(userId: string): () => void {
    this.counts.set(userId, this.count(userId) + 1);
    this.total?.inc();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total?.dec();
      const left = this.count(userId) - 1;
      if (left > 0) this.counts.set(userId, left);
      else this.counts.delete(userId);
    };
  }
}

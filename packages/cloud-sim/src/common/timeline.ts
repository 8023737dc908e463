/**
 * Changes that fall due later (a server finishing its boot, a volume being created), applied
 * lazily on the next read after their time: time passing needs no timers, and a large idle
 * fleet costs nothing.
 */
export class Timeline {
  private due: Array<{ at: number; run: () => void }> = [];

  /** Runs `run` on the first `settle` at least `delayMs` from now. */
  schedule(delayMs: number, run: () => void): void {
    this.due.push({ at: Date.now() + delayMs, run });
  }

  /** Applies, in order, every change that has fallen due. */
  settle(now = Date.now()): void {
    if (this.due.length === 0) return;
    const ready = this.due.filter((d) => d.at <= now).sort((a, b) => a.at - b.at);
    if (ready.length === 0) return;
    this.due = this.due.filter((d) => d.at > now);
    for (const d of ready) d.run();
  }
}

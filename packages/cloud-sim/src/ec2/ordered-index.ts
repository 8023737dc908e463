import type { Indexed } from './model';

export interface IndexPage<T> {
  items: T[];
  /** seq of the last item returned; the next page starts after it. */
  lastSeq: number;
  /** Whether at least one more matching item follows. */
  more: boolean;
}

/**
 * Items kept in creation (seq) order with a by-id map. Pages resume from a seq found by
 * binary search, so walking 100k items page by page stays linear overall. Removal only
 * marks the item dead; the array is compacted once dead entries pile up.
 */
export class OrderedIndex<T extends Indexed & { id: string }> {
  private order: T[] = [];
  private byId = new Map<string, T>();
  private dead = 0;

  get size(): number {
    return this.byId.size;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** Items must arrive with increasing seq (the state hands out seqs monotonically). */
  add(item: T): void {
    this.order.push(item);
    this.byId.set(item.id, item);
  }

  delete(id: string): boolean {
    const item = this.byId.get(id);
    if (!item) return false;
    item.alive = false;
    this.byId.delete(id);
    this.dead += 1;
    if (this.dead > 1024 && this.dead > this.order.length / 4) {
      this.order = this.order.filter((x) => x.alive);
      this.dead = 0;
    }
    return true;
  }

  values(): IterableIterator<T> {
    return this.byId.values();
  }

  page(afterSeq: number, limit: number, match: (item: T) => boolean): IndexPage<T> {
    const items: T[] = [];
    let i = this.firstAfter(afterSeq);
    let lastSeq = afterSeq;
    for (; i < this.order.length && items.length < limit; i++) {
      const item = this.order[i]!;
      if (item.alive && match(item)) {
        items.push(item);
        lastSeq = item.seq;
      }
    }
    let more = false;
    for (; i < this.order.length; i++) {
      const item = this.order[i]!;
      if (item.alive && match(item)) {
        more = true;
        break;
      }
    }
    return { items, lastSeq, more };
  }

  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.order[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

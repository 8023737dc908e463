import type { StreamEvent } from '../api/types';
import { createStore } from './store';

export interface FeedEntry {
  id: number;
  at: number;
  event: StreamEvent;
}

const LIMIT = 50;
let nextId = 1;

/** The latest changes seen on the stream since the app opened, newest first. */
/** Inventory changes; script output and run progress have pages of their own. */
const FEED_TYPES = new Set<StreamEvent['type']>(['machine.changed', 'inventory.changed', 'cloud.changed']);

export const feed = createStore<FeedEntry[]>([]);

// Field-level noise ("updated") is left out: the feed is for changes people care about.
export function recordInFeed(events: StreamEvent[]): void {
  const entries = events
    .filter((e) => FEED_TYPES.has(e.type) && !(e.type === 'machine.changed' && e.kind === 'updated'))
    .map((event) => ({ id: nextId++, at: Date.now(), event }));
  if (entries.length === 0) return;
  feed.set((previous) => [...entries.reverse(), ...previous].slice(0, LIMIT));
}

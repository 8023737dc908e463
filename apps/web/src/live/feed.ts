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
export const feed = createStore<FeedEntry[]>([]);

// Field-level noise ("updated") is left out: the feed is for changes people care about.
export function recordInFeed(events: StreamEvent[]): void {
  const entries = events
    .filter((e) => !(e.type === 'machine.changed' && e.kind === 'updated'))
    .map((event) => ({ id: nextId++, at: Date.now(), event }));
  if (entries.length === 0) return;
  feed.set((previous) => [...entries.reverse(), ...previous].slice(0, LIMIT));
}

import type { LiveStatus } from './socket';
import { createStore } from './store';

/** Whether live updates are flowing, for the indicator in the header. */
export const liveStatus = createStore<LiveStatus>('connecting');

import type { Volume } from '../api/types';
import type { Tone } from '../ui/Badge';

/** Every volume state, in filter order, with its words and colour. */
export const VOLUME_STATES: { state: Volume['state']; label: string; tone: Tone }[] = [
  { state: 'available', label: 'Available', tone: 'neutral' },
  { state: 'in-use', label: 'In use', tone: 'success' },
  { state: 'creating', label: 'Creating', tone: 'warning' },
  { state: 'deleting', label: 'Deleting', tone: 'warning' },
  { state: 'error', label: 'Error', tone: 'danger' },
  { state: 'missing', label: 'Missing', tone: 'danger' },
  { state: 'unknown', label: 'Unknown', tone: 'neutral' },
];

export function volumeLook(volume: Pick<Volume, 'state' | 'missingSince'>): { label: string; tone: Tone } {
  const state = volume.missingSince ? 'missing' : volume.state;
  return VOLUME_STATES.find((s) => s.state === state) ?? { label: state, tone: 'neutral' };
}

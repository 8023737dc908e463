import { useSyncExternalStore } from 'react';
import { formatExact, formatRelative } from '../format/time';

// One shared clock for every relative time on screen, ticking while anything shows one.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 15_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getNow = () => now;

export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow);
}

interface RelativeTimeProps {
  value: string | null | undefined;
  /** Shown when there is no time. */
  empty?: string;
  className?: string;
}

/** "5 min ago", with the exact local time on hover and for assistive tech. */
export function RelativeTime({ value, empty = '—', className }: RelativeTimeProps) {
  const current = useNow();
  if (!value) return <span className={className}>{empty}</span>;
  const exact = formatExact(value);
  return (
    <time dateTime={value} title={exact} className={className}>
      {formatRelative(value, Math.max(current, Date.now() - 1000))}
    </time>
  );
}

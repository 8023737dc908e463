import { useEffect, useState } from 'react';

/** How long a value must stay unchanged before it counts as settled (typing has paused). */
export const SETTLE_MS = 400;

/** The value once it has stopped changing for SETTLE_MS: what is sent to the API as people type. */
export function useSettled<T>(value: T, ms = SETTLE_MS): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the serialized value is the dependency
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [key, ms]);
  return settled;
}

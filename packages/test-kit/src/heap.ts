import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Megabytes of heap (and the external memory buffers hold) still alive after a full GC:
 * what a test of "nothing is kept" compares before and after. Exposes `gc` on first use.
 */
export function liveHeapMb(): number {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return (heapUsed + external) / 1048576;
}

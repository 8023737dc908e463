// concatAhead: sources read in order, a bounded number started ahead, failures and early stops.

import { describe, expect, it } from 'vitest';
import { concatAhead } from './concat-ahead';

/** Sources that record when they start and finish, each answering after `ms`. */
function sources(count: number, ms = 5) {
  const log: string[] = [];
  let open = 0;
  let mostOpen = 0;
  const make = (i: number) =>
    async function* () {
      log.push(`start ${i}`);
      open++;
      mostOpen = Math.max(mostOpen, open);
      try {
        await new Promise((r) => setTimeout(r, ms));
        yield `${i}a`;
        yield `${i}b`;
      } finally {
        open--;
        log.push(`end ${i}`);
      }
    };
  return { list: Array.from({ length: count }, (_, i) => make(i)), log, mostOpen: () => mostOpen };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('concatAhead', () => {
  it('gives every item in source order, with at most `ahead` sources started', async () => {
    const s = sources(7);
    expect(await collect(concatAhead(s.list, 3))).toEqual(
      Array.from({ length: 7 }, (_, i) => [`${i}a`, `${i}b`]).flat(),
    );
    expect(s.mostOpen()).toBe(3);
    expect(s.log.filter((l) => l.startsWith('start'))).toHaveLength(7);
  });

  it('starts the next sources before the first is read', async () => {
    const s = sources(4);
    const it = concatAhead(s.list, 4)[Symbol.asyncIterator]();
    await it.next();
    expect(s.log).toEqual(expect.arrayContaining(['start 0', 'start 1', 'start 2', 'start 3']));
    await it.return(undefined);
  });

  it('surfaces a failing source in its turn, after the items before it, and closes the rest', async () => {
    const s = sources(3);
    const failing = async function* (): AsyncGenerator<string> {
      await new Promise((r) => setTimeout(r, 1));
      throw new Error('region down');
    };
    const seen: string[] = [];
    const run = (async () => {
      for await (const item of concatAhead([s.list[0]!, failing, s.list[2]!], 3)) seen.push(item);
    })();
    await expect(run).rejects.toThrow('region down');
    expect(seen).toEqual(['0a', '0b']);
    expect(s.log).toContain('end 2');
  });

  it('stops before the next source once the signal aborts', async () => {
    const s = sources(4);
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const item of concatAhead(s.list, 2, controller.signal)) {
      seen.push(item);
      if (item === '1a') controller.abort();
    }
    expect(seen).toEqual(['0a', '0b', '1a', '1b']);
    expect(s.log).not.toContain('start 3');
  });

  it('closes the sources it started when the reader stops early', async () => {
    const s = sources(5);
    for await (const item of concatAhead(s.list, 3)) if (item === '0a') break;
    expect(s.log.filter((l) => l.startsWith('end'))).toHaveLength(
      s.log.filter((l) => l.startsWith('start')).length,
    );
  });
});

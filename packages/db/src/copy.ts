import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';

/** A value COPY can carry: text columns, numbers, booleans, dates, text arrays and JSON (objects). */
export type CopyValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | string[]
  | Record<string, unknown>;

// COPY text format: tab-separated, \N for NULL, backslash escapes for the separators.
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
function escapeText(s: string): string {
  // Most values have nothing to escape; testing first spares a copy of each.
  if (!SPECIAL.test(s)) return s;
  return s.replace(SPECIALS, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function arrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return escapeText(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return escapeText(arrayLiteral(value));
  if (typeof value === 'object') {
    // JSON already escapes tabs and line breaks inside strings; only its backslashes remain.
    const json = JSON.stringify(value);
    return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
  }
  return escapeText(String(value));
}

/**
 * Streams rows into a table with COPY FROM STDIN: the fastest way into Postgres.
 * Rows are encoded in chunks so 100k rows never build one giant string. They may come from an
 * async source (a provider listing page by page): the COPY then runs while the source is still
 * being read. If the source fails, the COPY is cancelled (nothing it sent is kept) and the
 * source's error is thrown, with the connection ready for the caller's ROLLBACK.
 *
 * `shared` are the values of the first columns, the same for every row (an owner's ids): they
 * are encoded once and each row carries only its own.
 */
export async function copyRows(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]> | AsyncIterable<readonly CopyValue[]>,
  shared: readonly CopyValue[] = [],
): Promise<number> {
  const lead = shared.map((v) => `${copyField(v)}\t`).join('');
  const quoted = columns.map((c) => `"${c}"`).join(', ');
  const stream = client.query(copyStreams.from(`COPY "${table}" (${quoted}) FROM STDIN`));
  // Postgres refusing a row ends the COPY on its side, mid-stream: remember why, so the
  // source is not read on and the refusal is what the caller sees.
  let refused: Error | undefined;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (err) => {
      refused ??= err;
      reject(err);
    });
  });
  done.catch(() => {}); // awaited below; until then, `refused` carries its error
  let count = 0;
  let chunk: string[] = [];
  const flush = async () => {
    if (refused) throw refused;
    if (chunk.length === 0) return;
    const ok = stream.write(chunk.join(''));
    chunk = [];
    if (!ok) await once(stream, 'drain');
  };
  try {
    for await (const row of rows) {
      chunk.push(`${lead}${row.map(copyField).join('\t')}\n`);
      count += 1;
      // Small enough that rows from a slow source reach Postgres while the next page loads.
      if (chunk.length >= 500) await flush();
    }
    await flush();
  } catch (err) {
    if (refused) throw refused;
    // The source failed: CopyFail makes the server discard the COPY, then the connection
    // takes queries again.
    stream.destroy(err instanceof Error ? err : new Error(String(err)));
    await Promise.allSettled([done, finished(stream)]);
    throw err;
  }
  stream.end();
  await done;
  return count;
}

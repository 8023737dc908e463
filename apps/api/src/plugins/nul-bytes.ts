import { DomainError } from '@overcast/core/errors';
import type { App } from '../context';

// Postgres refuses U+0000 in text and JSON, so a NUL byte that reached a query would fail it
// (a 500, or a broken export stream). Every string the api reads is checked once, here, first.

/** Where the first NUL byte sits in `value` (`body.tags.env`), or null when there is none. */
export function findNulByte(value: unknown, path: string): string | null {
  // Iterative: a deeply nested body must not exhaust the stack.
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\0')) return at;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v)) {
        const name = `${at}.${key.replaceAll('\0', '\\0')}`;
        if (key.includes('\0')) return name;
        stack.push([inner, name]);
      }
    }
  }
  return null;
}

export const nulByteError = (field: string) =>
  new DomainError(
    'invalid',
    'invalid_input',
    `${field} contains a NUL byte (\\0), which Overcast does not accept; remove it and try again.`,
    field,
  );

/** Refuses any request whose headers, path, query or body carry a NUL byte, before anything reads them. */
export function rejectNulBytes(app: App): void {
  app.addHook('preValidation', async (request) => {
    const field =
      findNulByte(request.headers, 'headers') ??
      findNulByte(request.params, 'params') ??
      findNulByte(request.query, 'query') ??
      findNulByte(request.body, 'body');
    if (field) throw nulByteError(field);
  });
}

// Whether an error means the database cannot be reached right now (as opposed to a bad query):
// the api answers those with 503 and Retry-After instead of 500.

/** Socket errors, Prisma's "cannot reach / connection closed / too many connections" codes, and Postgres
 * SQLSTATEs for "too many connections" and "shutting down / starting up". */
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2037',
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);

/** The adapter's own names for the same conditions. */
const KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** pg-pool and pg say these in plain errors without a code. */
const MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Can't reach database server/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const { code, kind, message, cause, errors, meta } = e as Record<string, unknown>;
    if (typeof code === 'string' && (CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof kind === 'string' && KINDS.has(kind)) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    queue.push(cause, meta, (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return false;
}

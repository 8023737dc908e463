import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { ProviderError, type SerialOutput } from '@overcast/contracts';
import type { Ec2Api } from './api';

// GetConsoleOutput answers a snapshot (the newest 64 KB), not a stream with offsets. The cursor
// holds how long the text was and its tail: while the tail is still where it was, what follows
// is new; once older text was dropped, the new part starts after the tail's last occurrence.

const TAIL_CHARS = 200;

function encodeCursor(text: string): string {
  return `${text.length}.${Buffer.from(text.slice(-TAIL_CHARS), 'utf8').toString('base64url')}`;
}

function decodeCursor(since: string): { length: number; tail: string } {
  const m = /^(\d{1,9})\.([A-Za-z0-9_-]{0,400})$/.exec(since);
  if (!m)
    throw new ProviderError(
      'invalid',
      'That console cursor is not one this driver gave; read from the start.',
    );
  return { length: Number(m[1]), tail: Buffer.from(m[2]!, 'base64url').toString('utf8') };
}

/** What `text` holds after the output already seen (all of it when the seen tail is gone). */
export function afterCursor(text: string, since?: string): SerialOutput {
  const next = encodeCursor(text);
  if (since === undefined) return { text, next, truncated: false };
  const { length, tail } = decodeCursor(since);
  if (text.length >= length && text.slice(length - tail.length, length) === tail)
    return { text: text.slice(length), next, truncated: false };
  const at = tail ? text.lastIndexOf(tail) : -1;
  if (at < 0) return { text, next, truncated: true };
  return { text: text.slice(at + tail.length), next, truncated: false };
}

export async function ec2SerialOutput(
  api: Ec2Api,
  region: string,
  instanceId: string,
  since?: string,
): Promise<SerialOutput> {
  const out = await api.call(region, (c, o) =>
    c.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }), o),
  );
  const text = out.Output ? Buffer.from(out.Output, 'base64').toString('utf8') : '';
  return afterCursor(text, since);
}

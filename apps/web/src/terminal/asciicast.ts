export interface Asciicast {
  width: number;
  height: number;
  /** Output events: seconds since the start, and the text written. */
  events: Array<[number, string]>;
}

/** Reads asciicast v2: a JSON header line, then one `[time, type, data]` line per event. */
export function parseAsciicast(text: string): Asciicast {
  const lines = text.split('\n').filter((line) => line.trim());
  const header = lines.length ? (JSON.parse(lines[0] as string) as { width?: number; height?: number }) : {};
  const events: Array<[number, string]> = [];
  for (const line of lines.slice(1)) {
    try {
      const event = JSON.parse(line) as unknown;
      if (
        Array.isArray(event) &&
        typeof event[0] === 'number' &&
        event[1] === 'o' &&
        typeof event[2] === 'string'
      )
        events.push([event[0], event[2]]);
    } catch {
      // A torn last line (the session was cut off): play what came before.
    }
  }
  return { width: header.width ?? 80, height: header.height ?? 24, events };
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'still open';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

import { ApiError } from '../api/errors';

/**
 * Asks the console's address with a plain GET first: 426 means it can be opened; anything else
 * is the reason it cannot (no right, no display, provider down), which a WebSocket never tells
 * a browser. The error keeps the server's words.
 */
export async function consolePreflight(machineId: string): Promise<void> {
  const res = await fetch(`/api/v1/machines/${machineId}/console`, { credentials: 'same-origin' });
  if (res.status === 426) return;
  let body: { error?: { code?: string; message?: string; field?: string } } = {};
  try {
    body = await res.json();
  } catch {
    // Not JSON: the status says enough.
  }
  throw new ApiError(
    res.status,
    body.error?.code ?? 'console_failed',
    body.error?.message ?? `The console could not be opened (HTTP ${res.status}).`,
    null,
    body.error?.field ?? null,
  );
}

export function consoleUrl(machineId: string): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}/api/v1/machines/${machineId}/console`;
}

import { ApiError, NetworkError } from './errors';
import type { ApiErrorBody } from './types';

const API_PREFIX = '/api/v1';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Whether a 401 ends the session app-wide. Off for calls where 401 is an ordinary answer
   * (wrong password at login, the session probe itself).
   */
  endSessionOnUnauthorized?: boolean;
}

let unauthorizedHandler: (() => void) | null = null;

/** Registers what happens when any call finds the session gone (set once at startup). */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const { body, signal, endSessionOnUnauthorized = true } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  const response = await send(
    path,
    { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal },
    endSessionOnUnauthorized,
  );
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * A POST answered with newline-delimited JSON (a long operation reporting progress): each line
 * is handed to `onLine` as it arrives. Refusals before the stream starts throw as usual.
 */
export async function postStream<L>(
  path: string,
  body: unknown,
  onLine: (line: L) => void,
  signal?: AbortSignal,
): Promise<void> {
  const response = await send(path, {
    method: 'POST',
    headers: { Accept: 'application/x-ndjson, application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  const reader = response.body?.getReader();
  if (!reader) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const text = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (text) onLine(JSON.parse(text) as L);
      nl = buffer.indexOf('\n');
    }
    if (done) break;
  }
  if (buffer.trim()) onLine(JSON.parse(buffer) as L);
}

/**
 * One call to the API: no answer is a NetworkError, a non-2xx answer an ApiError (and a 401
 * ends the session app-wide unless told otherwise).
 */
async function send(path: string, init: RequestInit, endSessionOnUnauthorized = true): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(API_PREFIX + path, { ...init, credentials: 'same-origin' });
  } catch (error) {
    // Let callers (React Query) see their own cancellations as such.
    if (init.signal?.aborted) throw error;
    throw new NetworkError({ cause: error });
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (error.status === 401 && endSessionOnUnauthorized) unauthorizedHandler?.();
    throw error;
  }
  return response;
}

/** Appends the defined, non-empty params as a query string. */
export function withQuery(
  path: string,
  params: Record<string, string | number | boolean | null | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, options),
};

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A proxy or crash page rather than the API's JSON; fall back to the status line.
  }
  if (isErrorBody(body)) {
    return new ApiError(
      response.status,
      body.error.code,
      body.error.message,
      retryAfter,
      body.error.field ?? null,
    );
  }
  const message = response.statusText || `Request failed with status ${response.status}`;
  return new ApiError(response.status, `http_${response.status}`, message, retryAfter);
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as Record<string, unknown>).code === 'string' &&
    typeof (error as Record<string, unknown>).message === 'string'
  );
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

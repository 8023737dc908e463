import type { ErrorBody } from '@overcast/contracts';
import { ApiError, CliError } from './errors';

export interface Endpoint {
  url: string;
  token?: string;
  /** Extra headers, e.g. the session cookie during login. */
  headers?: Record<string, string>;
}

type Query = Record<string, string | number | boolean | undefined>;

/** The base URL as given, without a trailing slash; only http(s) makes sense here. */
export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new CliError(`"${raw}" is not a URL; give one like https://overcast.example.com.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`"${raw}" must be an http:// or https:// URL.`);
  return url.toString().replace(/\/+$/, '');
}

export function authHeaders(endpoint: Endpoint): Record<string, string> {
  return {
    ...(endpoint.token ? { authorization: `Bearer ${endpoint.token}` } : {}),
    ...endpoint.headers,
  };
}

/** The API's error body in one line: its message, and the field it is about when it names one. */
export function apiErrorOf(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as ErrorBody;
    if (body?.error?.message) {
      const { code, message, field } = body.error;
      return new ApiError(status, code, field ? `${message} (${field})` : message);
    }
  } catch {
    // Not our JSON (a proxy's page, say): report the status.
  }
  return new ApiError(
    status,
    'http_error',
    `The server answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`,
  );
}

/** One JSON request to the REST API; refusals become ApiErrors in the API's words. */
export async function request<T>(
  endpoint: Endpoint,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: { body?: unknown; query?: Query } = {},
): Promise<{ body: T; headers: Headers }> {
  const url = new URL(`${endpoint.url}/api/v1${path}`);
  for (const [key, value] of Object.entries(options.query ?? {}))
    if (value !== undefined) url.searchParams.set(key, String(value));
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...authHeaders(endpoint),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `Cannot reach ${endpoint.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    );
  }
  const text = await response.text();
  if (!response.ok) throw apiErrorOf(response.status, text);
  return { body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

/** A client bound to one context's URL and token. */
export class Client {
  constructor(readonly endpoint: Endpoint) {}

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await request<T>(this.endpoint, 'GET', path, { query })).body;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return (await request<T>(this.endpoint, 'POST', path, { body: body ?? {} })).body;
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await request<T>(this.endpoint, 'PATCH', path, { body })).body;
  }

  async delete(path: string): Promise<void> {
    await request(this.endpoint, 'DELETE', path);
  }
}

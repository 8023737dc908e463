// One bounded HTTP(S) exchange for the providers spoken to without an SDK: the caller's agent
// (its lookup, its pinned certificate), a time limit, an answer size limit, and a transport
// failure (refused, reset, timed out) turned into a ProviderError that names the provider.

import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { ProviderError } from '@overcast/contracts';

/** Answers larger than this are refused: no list page comes near it. */
export const MAX_ANSWER = 32 * 1024 * 1024;

export interface RawRequest {
  method: string;
  url: URL;
  agent: http.Agent;
  headers?: Record<string, string>;
  /** The body, already encoded, with its content type. */
  body?: { type: string; data: string };
  signal?: AbortSignal;
  timeoutMs: number;
}

export interface RawAnswer {
  status: number;
  /** The status line's reason phrase, which some APIs (Proxmox VE) fill with their message. */
  reason: string;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Sends one request; transport failures come back as `unavailable` in the provider's name. */
export async function exchange(provider: string, req: RawRequest): Promise<RawAnswer> {
  try {
    return await send(req);
  } catch (err) {
    throw transportError(provider, err, req.timeoutMs);
  }
}

function send(req: RawRequest): Promise<RawAnswer> {
  const secure = req.url.protocol === 'https:';
  if (!secure && req.url.protocol !== 'http:')
    return Promise.reject(new ProviderError('invalid', `'${req.url.protocol}' is not an HTTP address`));
  const payload = req.body === undefined ? undefined : Buffer.from(req.body.data);
  return new Promise<RawAnswer>((resolve, reject) => {
    const request = (secure ? https : http).request(
      req.url,
      {
        method: req.method,
        agent: req.agent,
        signal: req.signal,
        headers: {
          accept: 'application/json',
          'user-agent': 'overcast',
          ...req.headers,
          ...(payload && req.body ? { 'content-type': req.body.type, 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER) {
            res.destroy(new Error(`answer larger than ${MAX_ANSWER} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            reason: res.statusMessage ?? '',
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    request.setTimeout(req.timeoutMs, () =>
      request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    request.on('error', reject);
    request.end(payload);
  });
}

function transportError(provider: string, err: unknown, timeoutMs: number): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as { code?: string; message?: string };
  if (e.code === 'ETIMEDOUT')
    return new ProviderError('unavailable', `${provider} did not answer within ${timeoutMs} ms`, {
      code: e.code,
      cause: err,
    });
  return new ProviderError('unavailable', `${provider} unreachable: ${e.message ?? String(err)}`, {
    code: e.code,
    cause: err,
  });
}

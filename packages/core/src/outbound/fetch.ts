import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DomainError } from '../errors';
import { type CheckedAddress, OUTBOUND_REFUSED, type OutboundOptions, resolveOutbound } from './guard';

export interface GuardedRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** The answer's body is cut off (and the request fails) beyond this. Default 1 MiB. */
  maxBytes?: number;
}

export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** An answer as bytes (Git packs), for callers that do not read text. */
export interface GuardedBinaryResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The code of the error an answer larger than `maxBytes` fails with. */
export const ANSWER_TOO_LARGE = 'EANSWERTOOLARGE';

/** Hands the connection the address that was checked, whatever the name resolves to now. */
const pinnedLookup =
  (checked: CheckedAddress): LookupFunction =>
  (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: CheckedAddress[]) => void)(null, [checked]);
    else callback(null, checked.address, checked.family);
  };

/**
 * An HTTP request to an address the guard allows, made to the very address it checked. Redirects
 * are not followed: a 3xx is returned like any other answer, so it cannot lead anywhere else.
 */
export async function guardedFetch(
  url: string,
  init: GuardedRequest,
  opts: OutboundOptions,
): Promise<GuardedResponse> {
  const { status, headers, body } = await guardedRequest(url, init, opts);
  return { status, headers, text: body.toString('utf8') };
}

/** `guardedFetch` answering bytes. */
export async function guardedRequest(
  url: string,
  init: GuardedRequest,
  opts: OutboundOptions,
): Promise<GuardedBinaryResponse> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DomainError('invalid', OUTBOUND_REFUSED, `${url} is not a URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new DomainError('invalid', OUTBOUND_REFUSED, `${url} is not an http:// or https:// URL.`);
  if (parsed.username || parsed.password)
    throw new DomainError('invalid', OUTBOUND_REFUSED, 'Put no user name or password in the URL.');
  const checked = await resolveOutbound(parsed, opts);
  const client = parsed.protocol === 'https:' ? https : http;
  const maxBytes = init.maxBytes ?? 1024 * 1024;
  return new Promise<GuardedBinaryResponse>((resolve, reject) => {
    const req = client.request(
      parsed,
      {
        method: init.method ?? 'GET',
        headers: init.headers,
        signal: init.signal,
        lookup: pinnedLookup(checked),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(
              Object.assign(new Error(`the answer is larger than ${maxBytes} bytes`), {
                code: ANSWER_TOO_LARGE,
              }),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

import { sign } from 'node:crypto';
import type { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import { ProviderError } from '@overcast/contracts';
import { OAuth2Client } from 'google-auth-library';
import { lookupAgents } from '../common/agents';
import { parseRetryAfter } from '../common/retry';
import type { ServiceAccountKey } from './config';

const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The RFC 7523 assertion a service account trades for an access token. */
function assertion(key: ServiceAccountKey, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url({
    alg: 'RS256',
    typ: 'JWT',
    ...(key.private_key_id ? { kid: key.private_key_id } : {}),
  });
  const claims = b64url({ iss: key.client_email, scope: SCOPE, aud: audience, iat: now, exp: now + 3600 });
  let signature: string;
  try {
    signature = sign('RSA-SHA256', Buffer.from(`${head}.${claims}`), key.private_key).toString('base64url');
  } catch (err) {
    throw new ProviderError(
      'auth',
      `The service account private key cannot be used: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return `${head}.${claims}.${signature}`;
}

/** How the token request reaches the token endpoint; `agent` resolves through the caller's lookup. */
type TokenTransport = Pick<OAuth2Client, 'transporter'> & { agent?: AgentFor };
type AgentFor = (url: URL) => Agent;

async function fetchToken(key: ServiceAccountKey, timeoutMs: number, via: TokenTransport) {
  const uri = key.token_uri || GOOGLE_TOKEN_URI;
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: { status: number; data: unknown; headers: Headers };
  try {
    // Through google-auth-library's own HTTP client: unlike the global fetch, it takes an agent.
    res = await via.transporter.request({
      url: uri,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: assertion(key, uri),
      }).toString(),
      responseType: 'text',
      validateStatus: () => true,
      retry: false,
      signal: timeout,
      ...(via.agent ? { agent: via.agent } : {}),
    });
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    const cause = (err as { cause?: unknown }).cause ?? err;
    throw new ProviderError(
      'unavailable',
      timeout.aborted
        ? `Google's token endpoint did not answer within ${timeoutMs} ms`
        : `Google's token endpoint unreachable: ${(cause as Error).message}`,
      { cause, code: (cause as { code?: string }).code },
    );
  }
  const text = typeof res.data === 'string' ? res.data : '';
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (res.status >= 200 && res.status < 300 && typeof body.access_token === 'string') {
    const ttl = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    return { access_token: body.access_token, expiry_date: Date.now() + ttl * 1000 };
  }
  const words =
    typeof body.error === 'string'
      ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`
      : typeof (body.error as { message?: unknown })?.message === 'string'
        ? (body.error as { message: string }).message
        : `token endpoint answered HTTP ${res.status}`;
  const kind = res.status === 429 ? 'throttled' : res.status >= 500 ? 'unavailable' : 'auth';
  throw new ProviderError(kind, words, {
    status: res.status,
    retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
  });
}

/**
 * An auth client for a service account that honours the key's `token_uri`. google-auth-library's
 * own JWT client always posts to Google's fixed token URL, which rules out any other endpoint;
 * here the signed-assertion exchange is done directly, and the OAuth2Client caches the token.
 */
export function serviceAccountAuth(
  key: ServiceAccountKey,
  timeoutMs: number,
  lookup?: LookupFunction,
): OAuth2Client {
  // Refresh and retry once when a token is refused (the issuer may have been restarted).
  const client = new OAuth2Client({ forceRefreshOnFailure: true });
  let agent: AgentFor | undefined;
  if (lookup) {
    const agents = lookupAgents(lookup);
    agent = (url) => (url.protocol === 'http:' ? agents.http : agents.https);
    // google-gax hands every API request its own agent: replace it with ours.
    const request = client.request.bind(client);
    client.request = ((opts: Parameters<typeof request>[0]) =>
      request({ ...opts, agent })) as typeof client.request;
  }
  let inflight: Promise<{ access_token: string; expiry_date: number }> | null = null;
  client.refreshHandler = () => {
    inflight ??= fetchToken(key, timeoutMs, { transporter: client.transporter, agent }).finally(() => {
      inflight = null;
    });
    return inflight;
  };
  return client;
}

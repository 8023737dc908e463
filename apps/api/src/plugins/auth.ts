import { type AuthContext, ORGANIZATION_HEADER, resolveApiToken, resolveSession } from '@overcast/core/auth';
import { DomainError } from '@overcast/core/errors';
import type { Runtime } from '@overcast/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../context';
import { enforceAuthz } from '../http/authz';
import { authOf } from '../http/caller';
import { forbidden, unauthenticated } from '../http/errors';
import { sessionTokenOf } from '../http/session';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function authenticate(
  app: App,
  runtime: Runtime,
  request: FastifyRequest,
): Promise<AuthContext | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    const { login, tokens } = runtime.settings;
    const named = request.headers[ORGANIZATION_HEADER];
    const ctx = await resolveApiToken(
      runtime.db,
      match[1]!,
      request.ip,
      typeof named === 'string' ? named : undefined,
    );
    if (!ctx) {
      // Guessing tokens costs the guesser: an address presenting bad ones is refused for a while.
      await app.attempts.hit(`badtoken:${request.ip}`, tokens.maxInvalidPerWindow, login.windowSeconds);
      throw new DomainError(
        'unauthenticated',
        'invalid_token',
        'The API token is unknown, revoked or expired.',
      );
    }
    await app.attempts.hit(`token:${ctx.tokenId}`, tokens.maxRequestsPerMinute, 60);
    return ctx;
  }
  const token = sessionTokenOf(request);
  return token ? resolveSession(runtime.db, token) : null;
}

/**
 * CSRF for cookie sessions: a change must come from our own pages. Browsers say where a request
 * comes from (Origin, Sec-Fetch-Site); a cross-site one is refused. Clients that send neither are
 * not browsers, and the SameSite=Lax cookie already stays home for cross-site POSTs.
 */
function checkSameOrigin(runtime: Runtime, request: FastifyRequest): void {
  // A WebSocket upgrade is a GET that acts (a terminal), so it is checked like a change.
  const upgrade = String(request.headers.upgrade ?? '').toLowerCase() === 'websocket';
  if (READ_METHODS.has(request.method) && !upgrade) return;
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    throw forbidden('Cross-site request refused: changes must come from Overcast’s own pages.');
  }
  const origin = request.headers.origin;
  if (!origin) return;
  const allowed = new Set<string>();
  try {
    allowed.add(new URL(runtime.settings.publicUrl).origin);
  } catch {
    // A malformed publicUrl is reported at startup; the Host check below still applies.
  }
  // request.host and request.protocol follow X-Forwarded-* only from a trusted proxy.
  allowed.add(`${request.protocol}://${request.host}`);
  if (!allowed.has(origin)) {
    throw forbidden('Cross-site request refused: changes must come from Overcast’s own pages.');
  }
}

/**
 * Resolves request.auth for /api/v1 routes, refuses the ones that need a login, then holds the
 * request to its route's `config.authz`: handlers run only for callers it allows.
 */
export function installAuth(app: App, runtime: Runtime): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('caller', {
    getter(this: FastifyRequest) {
      return authOf(this);
    },
  });
  app.addHook('preHandler', async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.url.startsWith('/api/v1/')) return;
    // Every /api/v1 route declares one (checked as routes register); a login is the safe default.
    const authz = request.routeOptions.config.authz ?? 'authenticated';
    request.auth = await authenticate(app, runtime, request);
    // Public routes that set a session (login, accepting an invitation) are guarded too.
    if (request.auth?.via !== 'token') checkSameOrigin(runtime, request);
    if (authz === 'public') return;
    if (!request.auth) throw unauthenticated();
    if (request.auth.tokenScope === 'read' && !READ_METHODS.has(request.method)) {
      throw forbidden('This API token is read-only; use a token with full scope to make changes.');
    }
    await enforceAuthz(request, authz);
  });
}

import type { Me } from '@overcast/contracts';
import type { Actor } from '@overcast/core/audit';
import type { AuthContext } from '@overcast/core/auth';
import { permissionsOf } from '@overcast/core/authz';
import type { FastifyRequest } from 'fastify';
import { unauthenticated } from './errors';

/** The caller's identity; routes behind the auth hook always have one. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthenticated();
  return request.auth;
}

/** The caller's address; a request without a socket (an injected WebSocket upgrade) has none. */
function addressOf(request: FastifyRequest): string {
  try {
    return request.ip;
  } catch {
    return '';
  }
}

/** Who did it, for the audit trail; anonymous before login. */
export function actorOf(request: FastifyRequest): Actor {
  const auth = request.auth;
  return {
    organizationId: auth?.organizationId ?? null,
    userId: auth?.userId ?? null,
    tokenId: auth?.tokenId ?? null,
    label: auth?.email ?? 'anonymous',
    ip: addressOf(request),
    userAgent: request.headers['user-agent'],
    requestId: request.id,
  };
}

/** The caller, with the organization every query of theirs is scoped to. */
export function orgActorOf(request: FastifyRequest): Actor & { organizationId: string } {
  const auth = authOf(request);
  return { ...actorOf(request), organizationId: auth.organizationId };
}

/** The caller as an actor that is certainly a user (every logged-in caller is). */
export function userActorOf(request: FastifyRequest): Actor & { organizationId: string; userId: string } {
  return { ...orgActorOf(request), userId: authOf(request).userId };
}

export function meOf(auth: AuthContext): Me {
  return {
    user: { id: auth.userId, email: auth.email, name: auth.name },
    organization: { id: auth.organizationId, name: auth.organizationName, slug: auth.organizationSlug },
    role: auth.role,
    via: auth.via,
    permissions: permissionsOf(auth),
    totpEnabled: auth.totpEnabled,
  };
}

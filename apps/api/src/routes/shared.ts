import type { Me } from '@overcast/contracts';
import type { Actor, AuthContext } from '@overcast/core';
import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../http/errors';

/** The caller's identity; routes behind the auth hook always have one. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthenticated();
  return request.auth;
}

export function actorOf(request: FastifyRequest): Actor {
  const auth = request.auth;
  return {
    organizationId: auth?.organizationId ?? null,
    userId: auth?.userId ?? null,
    tokenId: auth?.tokenId ?? null,
    label: auth?.email ?? 'anonymous',
    ip: request.ip,
    userAgent: request.headers['user-agent'],
    requestId: request.id,
  };
}

export function meOf(auth: AuthContext): Me {
  return {
    user: { id: auth.userId, email: auth.email, name: auth.name },
    organization: { id: auth.organizationId, name: auth.organizationName, slug: auth.organizationSlug },
    role: auth.role,
    via: auth.via,
  };
}

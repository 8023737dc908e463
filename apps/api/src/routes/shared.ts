import { ErrorBody, type Me } from '@overcast/contracts';
import { type Actor, type AuthContext, roleAtLeast } from '@overcast/core';
import type { Role } from '@overcast/db';
import type { FastifyRequest } from 'fastify';
import { forbidden, unauthenticated } from '../http/errors';

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

/** The caller, with the organization every query of theirs is scoped to. */
export function orgActorOf(request: FastifyRequest): Actor & { organizationId: string } {
  const auth = authOf(request);
  return { ...actorOf(request), organizationId: auth.organizationId };
}

const ROLE_WORDS: Record<Role, string> = {
  viewer: 'a viewer',
  member: 'a member',
  admin: 'an admin',
  owner: 'an owner',
};

/** Refuses with 403 unless the caller's role is at least `needed`. */
export function requireRole(request: FastifyRequest, needed: Role, doing: string): AuthContext {
  const auth = authOf(request);
  if (!roleAtLeast(auth.role, needed)) {
    throw forbidden(
      `Only ${ROLE_WORDS[needed]} or above can ${doing}; you are ${ROLE_WORDS[auth.role]} in ${auth.organizationName}.`,
    );
  }
  return auth;
}

/** The error answers an /api/v1 route can give, for its OpenAPI response list. */
export const ERROR_RESPONSES = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  502: ErrorBody,
  504: ErrorBody,
};

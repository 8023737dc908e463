import { ErrorBody, type Me } from '@overcast/contracts';
import { type Actor, recordAudit } from '@overcast/core/audit';
import { type AuthContext, roleAtLeast } from '@overcast/core/auth';
import {
  ACTION_WORDS,
  type AuthzAction,
  decide,
  KIND_NOUN,
  KIND_WORDS,
  needsScope,
  permissionsOf,
  type ResourceKind,
  type ResourceScope,
  resourceScope,
} from '@overcast/core/authz';
import { notFound } from '@overcast/core/errors';
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
    permissions: permissionsOf(auth),
    totpEnabled: auth.totpEnabled,
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

/**
 * What a request is about, for `authorize`: an existing resource of the kind by id, or, when
 * creating, the cloud it goes into (`{ cloudId }`). Leave it out for lists and kind-wide questions.
 */
export type AuthzTarget = { id: string } | { cloudId: string | null };

/**
 * The one authorization check of every /api/v1 route: may the caller do `action` on `kind`
 * (optionally on one resource)? Owners and admins may do everything; otherwise team policies, or the
 * role's defaults when none apply, decide. Refuses with 403, or with 404 when the caller may not even
 * see the resource. The resource's cloud and tags are loaded only when a limited policy needs them,
 * so owners and unrestricted callers pay nothing.
 *
 *   const auth = await authorize(request, 'machines', 'act', { id: request.params.id });
 *   const auth = await authorize(request, 'machines', 'create', { cloudId: request.params.id });
 *   const auth = await authorize(request, 'scripts', 'read');             // a list: filter with policyFilter
 */
export async function authorize(
  request: FastifyRequest,
  kind: ResourceKind,
  action: AuthzAction,
  target?: AuthzTarget,
): Promise<AuthContext> {
  const auth = authOf(request);
  if (action !== 'read' && auth.tokenScope === 'read') {
    throw forbidden('This API token is read-only; use a token with full scope to make changes.');
  }
  let scope: ResourceScope | undefined;
  if (target && needsScope(auth, kind, action)) {
    scope =
      'id' in target
        ? await resourceScope(request.server.db, auth.organizationId, kind, target.id)
        : { cloudId: target.cloudId };
  }
  if (decide(auth, kind, action, scope)) return auth;
  // A resource the caller may not see does not exist for them.
  if (target && 'id' in target && !decide(auth, kind, 'read', scope)) throw notFound(KIND_NOUN[kind]);
  if (target && 'cloudId' in target && target.cloudId) {
    // Creating in a cloud the caller may not see: that cloud does not exist for them.
    const cloud = needsScope(auth, 'clouds', 'read')
      ? await resourceScope(request.server.db, auth.organizationId, 'clouds', target.cloudId)
      : { cloudId: target.cloudId };
    if (!decide(auth, 'clouds', 'read', cloud)) throw notFound(KIND_NOUN.clouds);
  }
  // Refusals are part of the trail: who tried what, on which resource.
  await recordAudit(request.server.db, actorOf(request), {
    action: `${kind}.${action}`,
    resourceKind: kind,
    resourceId: target && 'id' in target ? target.id : undefined,
    result: 'denied',
  });
  if (auth.role === 'viewer') {
    throw forbidden(
      `Viewers can only look; ask an owner of ${auth.organizationName} to make you a member to ${ACTION_WORDS[action]} ${KIND_WORDS[kind]}.`,
    );
  }
  throw forbidden(
    auth.policies.length > 0
      ? `Your teams' policies in ${auth.organizationName} do not let you ${ACTION_WORDS[action]} ${KIND_WORDS[kind]}${target ? ' here' : ''}; ask an admin to grant it.`
      : `Only admins of ${auth.organizationName} can ${ACTION_WORDS[action]} ${KIND_WORDS[kind]}; you are ${ROLE_WORDS[auth.role]}.`,
  );
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

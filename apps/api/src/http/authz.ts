import { recordAudit } from '@overcast/core/audit';
import { type AuthContext, roleAtLeast } from '@overcast/core/auth';
import {
  ACTION_WORDS,
  type AuthzAction,
  decide,
  KIND_NOUN,
  KIND_WORDS,
  needsScope,
  type ResourceKind,
  type ResourceScope,
  resourceScope,
} from '@overcast/core/authz';
import { notFound } from '@overcast/core/errors';
import type { Role } from '@overcast/db';
import type { FastifyRequest } from 'fastify';
import { actorOf, authOf } from './caller';
import { forbidden } from './errors';

/**
 * What a request is about: an existing resource of the kind by id, or, when creating, the cloud
 * it goes into (`{ cloudId }`). Left out for lists (filtered by the policy SQL) and kind-wide questions.
 */
export type AuthzTarget = { id: string } | { cloudId: string | null };

/** Read from the request once it is validated; may load something first (a machine id from a body). */
type FromRequest<T> = (request: FastifyRequest) => T | Promise<T>;

/** May the caller do `action` on `kind`, optionally on one resource (`authorize` below)? */
export interface ResourceAuthz {
  kind: ResourceKind;
  /** Fixed, or read from the request (a machine action's right depends on the action asked for). */
  action: AuthzAction | FromRequest<AuthzAction>;
  target?: FromRequest<AuthzTarget>;
}

/** At least this role in the organization, for what is not about one kind of resource. */
export interface RoleAuthz {
  role: Role;
  /** For the refusal: "Only an admin or above can <doing>". */
  doing: string;
}

/** Logged in through a browser session, not an API token (tokens cannot mint tokens or change 2FA). */
export interface SessionAuthz {
  session: string;
}

/**
 * Who may call a route, declared in its `config.authz` and enforced by one hook before the handler
 * (plugins/auth). Every /api/v1 route declares one; a list means all of them must hold.
 * - 'public': no login needed (logging in, invitation links).
 * - 'authenticated': any logged-in caller; the route only touches the caller's own things, or
 *   core checks the data it loads (a recording: admins or the person whose session it was).
 */
export type RouteAuthz =
  | 'public'
  | 'authenticated'
  | SessionAuthz
  | RoleAuthz
  | ResourceAuthz
  | readonly (SessionAuthz | RoleAuthz | ResourceAuthz)[];

/** The right to do `action` on `kind`, optionally on the request's target. */
export const may = (
  kind: ResourceKind,
  action: AuthzAction,
  target?: FromRequest<AuthzTarget>,
): ResourceAuthz => ({ kind, action, ...(target ? { target } : {}) });

/** Admins and owners only, for what is not about one kind of resource; `doing` words the refusal. */
export const adminsCan = (doing: string): RoleAuthz => ({ role: 'admin', doing });

/** The resource named by the route's `:id`. */
export const byId = (request: FastifyRequest): AuthzTarget => ({ id: paramId(request) });

/** Creating in the cloud named by the route's `:id`. */
export const inCloud = (request: FastifyRequest): AuthzTarget => ({ cloudId: paramId(request) });

/** Creating in the cloud of the machine named by `:id` (a clone goes where its source is). */
export const inCloudOfMachine = async (request: FastifyRequest): Promise<AuthzTarget> => ({
  cloudId: (
    await resourceScope(request.server.db, authOf(request).organizationId, 'machines', paramId(request))
  ).cloudId,
});

function paramId(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

const ROLE_WORDS: Record<Role, string> = {
  viewer: 'a viewer',
  member: 'a member',
  admin: 'an admin',
  owner: 'an owner',
};

const READ_ONLY_TOKEN = 'This API token is read-only; use a token with full scope to make changes.';

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
 * May the caller do `action` on `kind` (optionally on one resource)? Owners and admins may do
 * everything; otherwise team policies, or the role's defaults when none apply, decide. Refuses with
 * 403, or with 404 when the caller may not even see the resource. The resource's cloud and tags are
 * loaded only when a limited policy needs them, so owners and unrestricted callers pay nothing.
 */
export async function authorize(
  request: FastifyRequest,
  kind: ResourceKind,
  action: AuthzAction,
  target?: AuthzTarget,
): Promise<AuthContext> {
  const auth = authOf(request);
  if (action !== 'read' && auth.tokenScope === 'read') throw forbidden(READ_ONLY_TOKEN);
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

/** Holds the request to its route's declaration; the auth hook calls it for every /api/v1 route. */
export async function enforceAuthz(request: FastifyRequest, authz: RouteAuthz): Promise<void> {
  if (authz === 'public') return;
  const auth = authOf(request);
  if (authz === 'authenticated') return;
  for (const rule of Array.isArray(authz) ? authz : [authz]) {
    if ('session' in rule) {
      if (auth.via !== 'session')
        throw forbidden(`Log in with a browser session to ${rule.session}; API tokens cannot.`);
    } else if ('role' in rule) {
      requireRole(request, rule.role, rule.doing);
    } else {
      const action = typeof rule.action === 'function' ? await rule.action(request) : rule.action;
      await authorize(request, rule.kind, action, await rule.target?.(request));
    }
  }
}

import { MemberList, UpdateMemberRequest, UserIdParams } from '@overcast/contracts';
import { listMembers, removeMember, setMemberRole } from '@overcast/core/orgs';
import type { RoutePlugin } from '../context';
import { adminsCan } from '../http/authz';
import { type authOf, orgActorOf } from '../http/caller';
import { NoContent, noContent } from '../http/reply';
import { route } from '../http/route';

/** The organization's members and their roles: everyone sees them, admins change them. */
export const memberRoutes: RoutePlugin = (app, { db }) => {
  const adminActor = (request: Parameters<typeof authOf>[0]) => ({
    ...orgActorOf(request),
    role: request.caller.role,
  });

  app.get(
    '',
    route("The organization's members, their roles and teams", 'authenticated', {
      response: { 200: MemberList },
    }),
    async (request) => ({ items: await listMembers(db, request.caller.organizationId) }),
  );

  app.patch(
    '/:userId',
    route(
      "Change a member's role (owners alone make or unmake owners; the last owner stays)",
      adminsCan('change roles'),
      { params: UserIdParams, body: UpdateMemberRequest, response: NoContent },
    ),
    async (request, reply) =>
      noContent(reply, setMemberRole(db, adminActor(request), request.params.userId, request.body.role)),
  );

  app.delete(
    '/:userId',
    route(
      'Remove a member: their sessions and API tokens in this organization stop working',
      adminsCan('remove members'),
      { params: UserIdParams, response: NoContent },
    ),
    async (request, reply) => noContent(reply, removeMember(db, adminActor(request), request.params.userId)),
  );
};

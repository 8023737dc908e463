import {
  CreateTeamRequest,
  IdParams,
  SetTeamMembersRequest,
  SetTeamPoliciesRequest,
  Team,
  TeamList,
  type TeamPolicyInput,
  UpdateTeamRequest,
} from '@overcast/contracts';
import {
  createTeam,
  deleteTeam,
  getTeam,
  listTeams,
  setTeamMembers,
  setTeamPolicies,
  updateTeam,
} from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { authOf, orgActorOf } from '../http/caller';

/** Teams with their members and policies: everyone sees them, admins change them. */
export const teamRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    {
      schema: { summary: 'Teams with their members and policies', response: { 200: TeamList } },
      config: { authz: 'authenticated' },
    },
    async (request) => ({ items: await listTeams(db, authOf(request).organizationId) }),
  );

  app.post(
    '',
    {
      schema: { summary: 'Create a team', body: CreateTeamRequest, response: { 201: T.Ref(Team) } },
      config: { authz: { role: 'admin', doing: 'create teams' } },
    },
    async (request, reply) => reply.status(201).send(await createTeam(db, orgActorOf(request), request.body)),
  );

  app.get(
    '/:id',
    {
      schema: { summary: 'One team', params: IdParams, response: { 200: T.Ref(Team) } },
      config: { authz: 'authenticated' },
    },
    async (request) => getTeam(db, authOf(request).organizationId, request.params.id),
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary: 'Rename a team or change its description',
        params: IdParams,
        body: UpdateTeamRequest,
        response: { 200: T.Ref(Team) },
      },
      config: { authz: { role: 'admin', doing: 'change teams' } },
    },
    async (request) => updateTeam(db, orgActorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      schema: {
        summary: 'Delete a team; its members keep their role, and lose its policies',
        params: IdParams,
        response: { 204: T.Null() },
      },
      config: { authz: { role: 'admin', doing: 'delete teams' } },
    },
    async (request, reply) => {
      await deleteTeam(db, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/:id/members',
    {
      schema: {
        summary: "Replace a team's members",
        params: IdParams,
        body: SetTeamMembersRequest,
        response: { 200: T.Ref(Team) },
      },
      config: { authz: { role: 'admin', doing: 'change team members' } },
    },
    async (request) => setTeamMembers(db, orgActorOf(request), request.params.id, request.body.userIds),
  );

  app.put(
    '/:id/policies',
    {
      schema: {
        summary:
          "Replace a team's policies: allow or deny an action on a kind of resource, optionally only in some clouds or for some tags",
        params: IdParams,
        body: SetTeamPoliciesRequest,
        response: { 200: T.Ref(Team) },
      },
      config: { authz: { role: 'admin', doing: 'change team policies' } },
    },
    async (request) =>
      // The kind and action enums are validated by the schema; the type provider sees them as unknown.
      setTeamPolicies(db, orgActorOf(request), request.params.id, request.body.policies as TeamPolicyInput[]),
  );
};

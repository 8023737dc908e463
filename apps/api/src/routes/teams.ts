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
} from '@overcast/core/orgs';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { adminsCan } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { oneInOrg } from '../http/in-org';
import { changeById, created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';

/** Teams with their members and policies: everyone sees them, admins change them. */
export const teamRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    route('Teams with their members and policies', 'authenticated', { response: { 200: TeamList } }),
    async (request) => ({ items: await listTeams(db, request.caller.organizationId) }),
  );

  app.post(
    '',
    route('Create a team', adminsCan('create teams'), {
      body: CreateTeamRequest,
      response: { 201: T.Ref(Team) },
    }),
    async (request, reply) => created(reply, createTeam(db, orgActorOf(request), request.body)),
  );

  app.get(
    '/:id',
    route('One team', 'authenticated', { params: IdParams, response: { 200: T.Ref(Team) } }),
    oneInOrg(db, getTeam),
  );

  app.patch(
    '/:id',
    route(
      'Rename a team or change its description',
      adminsCan('change teams'),
      changeById(UpdateTeamRequest, T.Ref(Team)),
    ),
    async (request) => updateTeam(db, orgActorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    route('Delete a team; its members keep their role, and lose its policies', adminsCan('delete teams'), {
      params: IdParams,
      response: NoContent,
    }),
    async (request, reply) => noContent(reply, deleteTeam(db, orgActorOf(request), request.params.id)),
  );

  app.put(
    '/:id/members',
    route(
      "Replace a team's members",
      adminsCan('change team members'),
      changeById(SetTeamMembersRequest, T.Ref(Team)),
    ),
    async (request) => setTeamMembers(db, orgActorOf(request), request.params.id, request.body.userIds),
  );

  app.put(
    '/:id/policies',
    route(
      "Replace a team's policies: allow or deny an action on a kind of resource, optionally only in some clouds or for some tags",
      adminsCan('change team policies'),
      changeById(SetTeamPoliciesRequest, T.Ref(Team)),
    ),
    async (request) =>
      // The kind and action enums are validated by the schema; the type provider sees them as unknown.
      setTeamPolicies(db, orgActorOf(request), request.params.id, request.body.policies as TeamPolicyInput[]),
  );
};

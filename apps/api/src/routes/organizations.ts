import { CreateOrganizationRequest, OrganizationList, OrganizationMembership } from '@overcast/contracts';
import { createOrganization, listOrganizations } from '@overcast/core/orgs';
import type { RoutePlugin } from '../context';
import { userActorOf } from '../http/caller';
import { route } from '../http/route';

/** The organizations a person belongs to; anyone logged in may start a new one. */
export const organizationRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    route('The organizations the caller belongs to, with their role in each', 'authenticated', {
      response: { 200: OrganizationList },
    }),
    async (request) => listOrganizations(db, userActorOf(request).userId),
  );

  app.post(
    '',
    route('Create an organization; the caller becomes its owner', 'authenticated', {
      body: CreateOrganizationRequest,
      response: { 201: OrganizationMembership },
    }),
    async (request, reply) => {
      const org = await createOrganization(db, userActorOf(request), request.body.name);
      return reply.status(201).send({ ...org, role: 'owner' as const });
    },
  );
};

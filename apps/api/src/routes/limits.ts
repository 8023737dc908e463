import { LimitsInput, ScopeLimits, ScopeLimitsList } from '@overcast/contracts';
import { listLimits, setLimits } from '@overcast/core/governance';
import type { RoutePlugin } from '../context';
import { adminsCan } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { changeById } from '../http/reply';
import { route } from '../http/route';

/** Quotas and constraints of the organization and its teams: everyone reads them, admins set them. */
export const limitRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    // Everyone in the organization sees the limits that apply to them and their teams' use,
    // like the teams themselves.
    route("The organization's and every team's quotas and constraints, with their use now", 'authenticated', {
      response: { 200: ScopeLimitsList },
    }),
    async (request) => ({ items: await listLimits(db, request.caller.organizationId) }),
  );

  app.put(
    '/organization',
    route("Replace the organization's quotas and constraints", adminsCan('change limits'), {
      body: LimitsInput,
      response: { 200: ScopeLimits },
    }),
    async (request) => setLimits(db, orgActorOf(request), null, request.body),
  );

  app.put(
    '/teams/:id',
    route(
      "Replace a team's quotas and constraints",
      adminsCan('change limits'),
      changeById(LimitsInput, ScopeLimits),
    ),
    async (request) => setLimits(db, orgActorOf(request), request.params.id, request.body),
  );
};

import { IdParams, MachineSsh, MachineSshRequest } from '@overcast/contracts';
import { machineSshView, setMachineSsh } from '@overcast/core';
import type { RoutePlugin } from '../../context';
import { byId } from '../../http/authz';
import { authOf, orgActorOf } from '../../http/caller';

/** The key, user and port a machine is logged in to with. */
export const machineSshRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '/:id/ssh',
    {
      schema: {
        summary: 'The key, user and port the terminal logs in to a machine with',
        params: IdParams,
        response: { 200: MachineSsh },
      },
      config: { authz: { kind: 'machines', action: 'read', target: byId } },
    },
    async (request) => machineSshView(db, authOf(request).organizationId, request.params.id),
  );

  app.put(
    '/:id/ssh',
    {
      schema: {
        summary: 'Associate a key, a user and a port with a machine (null clears one)',
        params: IdParams,
        body: MachineSshRequest,
        response: { 200: MachineSsh },
      },
      config: { authz: { kind: 'machines', action: 'edit', target: byId } },
    },
    async (request) => setMachineSsh(db, orgActorOf(request), request.params.id, request.body),
  );
};

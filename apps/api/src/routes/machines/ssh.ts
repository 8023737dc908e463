import { IdParams, MachineSsh, MachineSshRequest } from '@overcast/contracts';
import { machineSshView, setMachineSsh } from '@overcast/core/keys';
import type { RoutePlugin } from '../../context';
import { byId, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { oneInOrg } from '../../http/in-org';
import { changeById } from '../../http/reply';
import { route } from '../../http/route';

/** The key, user and port a machine is logged in to with. */
export const machineSshRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '/:id/ssh',
    route('The key, user and port the terminal logs in to a machine with', may('machines', 'read', byId), {
      params: IdParams,
      response: { 200: MachineSsh },
    }),
    oneInOrg(db, machineSshView),
  );

  app.put(
    '/:id/ssh',
    route(
      'Associate a key, a user and a port with a machine (null clears one)',
      may('machines', 'edit', byId),
      changeById(MachineSshRequest, MachineSsh),
    ),
    async (request) => setMachineSsh(db, orgActorOf(request), request.params.id, request.body),
  );
};

import { DeployRequest, DeployRequestList, IdParams, RejectDeployRequest } from '@overcast/contracts';
import {
  approveDeployRequest,
  getDeployRequest,
  listDeployRequests,
  rejectDeployRequest,
} from '@overcast/core/stacks';
import type { RoutePlugin } from '../context';
import { adminsCan } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { changeById } from '../http/reply';
import { route } from '../http/route';

/** Deploys over budget kept for an admin: requesters follow theirs, admins approve or reject. */
export const deployRequestRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;
  // 'authenticated': admins see every request, others only their own (core filters).
  app.get(
    '',
    route('Deploy requests waiting for, or given, an admin’s decision', 'authenticated', {
      response: { 200: DeployRequestList },
    }),
    async (request) => ({ items: await listDeployRequests(db, request.caller) }),
  );

  app.get(
    '/:id',
    route('One deploy request (yours, or any for admins)', 'authenticated', {
      params: IdParams,
      response: { 200: DeployRequest },
    }),
    async (request) => getDeployRequest(db, request.caller, request.params.id),
  );

  app.post(
    '/:id/approve',
    route(
      'Approve a request over budget: it deploys as the requester, every other limit held again',
      adminsCan('approve deploy requests'),
      { params: IdParams, response: { 200: DeployRequest } },
    ),
    async (request) => approveDeployRequest(ctx, orgActorOf(request), request.params.id),
  );

  app.post(
    '/:id/reject',
    route(
      'Reject a request with a reason the requester sees',
      adminsCan('approve deploy requests'),
      changeById(RejectDeployRequest, DeployRequest),
    ),
    async (request) => rejectDeployRequest(db, orgActorOf(request), request.params.id, request.body.reason),
  );
};

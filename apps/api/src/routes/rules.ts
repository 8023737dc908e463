// Bodies with "kind" unions are typed by a cast: the type provider cannot see through their oneOf schema.
import { CreateRuleRequest, IdParams, Rule, RuleList, UpdateRuleRequest } from '@overcast/contracts';
import { createRule, deleteRule, getRule, listRules, updateRule } from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { byId } from '../http/authz';
import { authOf, orgActorOf } from '../http/caller';

/** Alert rules; their incidents are under /incidents. */
export const ruleRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    {
      schema: { summary: 'Alert rules, with their open incidents', response: { 200: RuleList } },
      config: { authz: { kind: 'rules', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      return { items: await listRules(db, auth.organizationId, auth) };
    },
  );

  app.post(
    '',
    {
      schema: {
        summary: 'Create a rule: a target, a condition, actions and a cooldown',
        body: CreateRuleRequest,
        response: { 201: T.Ref(Rule) },
      },
      config: { authz: { kind: 'rules', action: 'create' } },
    },
    async (request, reply) =>
      reply.status(201).send(await createRule(db, orgActorOf(request), request.body as CreateRuleRequest)),
  );

  app.get(
    '/:id',
    {
      schema: { summary: 'One rule', params: IdParams, response: { 200: T.Ref(Rule) } },
      config: { authz: { kind: 'rules', action: 'read', target: byId } },
    },
    async (request) => getRule(db, authOf(request).organizationId, request.params.id),
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary: 'Change a rule (enable, disable, edit)',
        params: IdParams,
        body: UpdateRuleRequest,
        response: { 200: T.Ref(Rule) },
      },
      config: { authz: { kind: 'rules', action: 'edit', target: byId } },
    },
    async (request) =>
      updateRule(db, orgActorOf(request), request.params.id, request.body as UpdateRuleRequest),
  );

  app.delete(
    '/:id',
    {
      schema: { summary: 'Delete a rule and its incidents', params: IdParams, response: { 204: T.Null() } },
      config: { authz: { kind: 'rules', action: 'delete', target: byId } },
    },
    async (request, reply) => {
      await deleteRule(db, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};

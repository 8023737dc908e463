// Bodies with "kind" unions are typed by a cast: the type provider cannot see through their oneOf schema.
import { CreateRuleRequest, IdParams, Rule, RuleList, UpdateRuleRequest } from '@overcast/contracts';
import { createRule, deleteRule, getRule, listRules, updateRule } from '@overcast/core/rules';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { byId, may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { oneInOrg } from '../http/in-org';
import { changeById, created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';

/** Alert rules; their incidents are under /incidents. */
export const ruleRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    route('Alert rules, with their open incidents', may('rules', 'read'), { response: { 200: RuleList } }),
    async (request) => ({ items: await listRules(db, request.caller.organizationId, request.caller) }),
  );

  app.post(
    '',
    route('Create a rule: a target, a condition, actions and a cooldown', may('rules', 'create'), {
      body: CreateRuleRequest,
      response: { 201: T.Ref(Rule) },
    }),
    async (request, reply) =>
      created(reply, createRule(db, orgActorOf(request), request.body as CreateRuleRequest)),
  );

  app.get(
    '/:id',
    route('One rule', may('rules', 'read', byId), { params: IdParams, response: { 200: T.Ref(Rule) } }),
    oneInOrg(db, getRule),
  );

  app.patch(
    '/:id',
    route(
      'Change a rule (enable, disable, edit)',
      may('rules', 'edit', byId),
      changeById(UpdateRuleRequest, T.Ref(Rule)),
    ),
    async (request) =>
      updateRule(db, orgActorOf(request), request.params.id, request.body as UpdateRuleRequest),
  );

  app.delete(
    '/:id',
    route('Delete a rule and its incidents', may('rules', 'delete', byId), {
      params: IdParams,
      response: NoContent,
    }),
    async (request, reply) => noContent(reply, deleteRule(db, orgActorOf(request), request.params.id)),
  );
};

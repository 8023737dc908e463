// Bodies with "kind" unions are typed by a cast: the type provider cannot see through their oneOf schema.
import {
  CreateRuleRequest,
  IdParams,
  Incident,
  IncidentList,
  IncidentListQuery,
  Rule,
  RuleList,
  UpdateRuleRequest,
} from '@overcast/contracts';
import {
  createRule,
  deleteRule,
  getIncident,
  getRule,
  listIncidents,
  listRules,
  updateRule,
} from '@overcast/core/rules';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['rules'];

export function ruleRoutes(app: App, deps: AppDeps): void {
  const { db } = deps;
  app.addSchema(Rule);
  app.addSchema(Incident);

  app.get(
    '/api/v1/rules',
    {
      schema: {
        tags,
        summary: 'Alert rules, with their open incidents',
        response: { 200: RuleList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'rules', 'read');
      return { items: await listRules(db, auth.organizationId, auth) };
    },
  );

  app.post(
    '/api/v1/rules',
    {
      schema: {
        tags,
        summary: 'Create a rule: a target, a condition, actions and a cooldown',
        body: CreateRuleRequest,
        response: { 201: T.Ref(Rule), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'rules', 'create');
      return reply
        .status(201)
        .send(await createRule(db, orgActorOf(request), request.body as CreateRuleRequest));
    },
  );

  app.get(
    '/api/v1/rules/:id',
    { schema: { tags, summary: 'One rule', params: IdParams, response: { 200: T.Ref(Rule), ...errors } } },
    async (request) => {
      const auth = await authorize(request, 'rules', 'read', { id: request.params.id });
      return getRule(db, auth.organizationId, request.params.id);
    },
  );

  app.patch(
    '/api/v1/rules/:id',
    {
      schema: {
        tags,
        summary: 'Change a rule (enable, disable, edit)',
        params: IdParams,
        body: UpdateRuleRequest,
        response: { 200: T.Ref(Rule), ...errors },
      },
    },
    async (request) => {
      await authorize(request, 'rules', 'edit', { id: request.params.id });
      return updateRule(db, orgActorOf(request), request.params.id, request.body as UpdateRuleRequest);
    },
  );

  app.delete(
    '/api/v1/rules/:id',
    {
      schema: {
        tags,
        summary: 'Delete a rule and its incidents',
        params: IdParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'rules', 'delete', { id: request.params.id });
      await deleteRule(db, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/incidents',
    {
      schema: {
        tags,
        summary: 'Incidents, newest first',
        querystring: IncidentListQuery,
        response: { 200: IncidentList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'rules', 'read');
      return { items: await listIncidents(db, auth.organizationId, request.query, auth) };
    },
  );

  app.get(
    '/api/v1/incidents/:id',
    {
      schema: {
        tags,
        summary: 'One incident with its timeline',
        params: IdParams,
        response: { 200: T.Ref(Incident), ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'rules', 'read');
      return getIncident(db, auth.organizationId, request.params.id, auth);
    },
  );
}

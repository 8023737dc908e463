import {
  CreateScriptRequest,
  IdParams,
  Script,
  ScriptList,
  ScriptRunList,
  ScriptVersionList,
  StartedRun,
  StartScriptRunRequest,
  UpdateScriptRequest,
} from '@overcast/contracts';
import {
  createScript,
  deleteScript,
  getScript,
  listScriptRuns,
  listScripts,
  listScriptVersions,
  startScriptRun,
  updateScript,
} from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { byId } from '../http/authz';
import { authOf, orgActorOf } from '../http/caller';
import { RunsQuery } from './script-runs';

/** Scripts, their versions, and running them; runs of every script are under /script-runs. */
export const scriptRoutes: RoutePlugin = (app, { db, settings, queues }) => {
  app.get(
    '',
    {
      schema: {
        summary: "The organization's scripts, each at its current version",
        response: { 200: ScriptList },
      },
      config: { authz: { kind: 'scripts', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      return { items: await listScripts(db, auth.organizationId, auth) };
    },
  );

  app.post(
    '',
    {
      schema: { summary: 'Store a script (version 1)', body: CreateScriptRequest, response: { 201: Script } },
      config: { authz: { kind: 'scripts', action: 'create' } },
    },
    async (request, reply) =>
      reply.status(201).send(await createScript(db, orgActorOf(request), request.body)),
  );

  app.get(
    '/:id',
    {
      schema: { summary: 'One script at its current version', params: IdParams, response: { 200: Script } },
      config: { authz: { kind: 'scripts', action: 'read', target: byId } },
    },
    async (request) => getScript(db, authOf(request).organizationId, request.params.id),
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary: 'Change a script; a new body, kind or parameters make a new version',
        params: IdParams,
        body: UpdateScriptRequest,
        response: { 200: Script },
      },
      config: { authz: { kind: 'scripts', action: 'edit', target: byId } },
    },
    async (request) => updateScript(db, orgActorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      schema: {
        summary: 'Delete a script with its versions and runs (refused while a schedule runs it)',
        params: IdParams,
        response: { 204: T.Null() },
      },
      config: { authz: { kind: 'scripts', action: 'delete', target: byId } },
    },
    async (request, reply) => {
      await deleteScript(db, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/:id/versions',
    {
      schema: {
        summary: 'Every version of a script, newest first',
        params: IdParams,
        response: { 200: ScriptVersionList },
      },
      config: { authz: { kind: 'scripts', action: 'read', target: byId } },
    },
    async (request) => ({
      items: await listScriptVersions(db, authOf(request).organizationId, request.params.id),
    }),
  );

  app.post(
    '/:id/runs',
    {
      schema: {
        summary: 'Run the script on the machines the targets pick now; output streams on the event stream',
        params: IdParams,
        body: StartScriptRunRequest,
        response: { 202: StartedRun },
      },
      // Core then keeps each target machine the caller may not run scripts on as "skipped".
      config: { authz: { kind: 'scripts', action: 'run', target: byId } },
    },
    async (request, reply) => {
      const { targets, params, timeoutSeconds } = request.body;
      const id = await startScriptRun({ db, settings, scriptQueue: queues.scripts }, orgActorOf(request), {
        caller: authOf(request),
        scriptId: request.params.id,
        targets,
        params,
        timeoutSeconds,
      });
      const count = await db.prisma.scriptRunTarget.count({ where: { runId: id } });
      return reply.status(202).send({ id, targets: count });
    },
  );

  app.get(
    '/:id/runs',
    {
      schema: {
        summary: "A script's runs, newest first",
        params: IdParams,
        querystring: RunsQuery,
        response: { 200: ScriptRunList },
      },
      config: { authz: { kind: 'scripts', action: 'read', target: byId } },
    },
    async (request) => {
      const auth = authOf(request);
      const filter = { scriptId: request.params.id, limit: request.query.limit };
      return { items: await listScriptRuns(db, auth.organizationId, filter, auth) };
    },
  );
};

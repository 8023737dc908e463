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
} from '@overcast/core/automation';
import type { RoutePlugin } from '../context';
import { byId, may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { itemsInOrg, oneInOrg } from '../http/in-org';
import { changeById, created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';
import { RunsQuery } from './script-runs';

/** Scripts, their versions, and running them; runs of every script are under /script-runs. */
export const scriptRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;
  app.get(
    '',
    route("The organization's scripts, each at its current version", may('scripts', 'read'), {
      response: { 200: ScriptList },
    }),
    async (request) => ({ items: await listScripts(db, request.caller.organizationId, request.caller) }),
  );

  app.post(
    '',
    route('Store a script (version 1)', may('scripts', 'create'), {
      body: CreateScriptRequest,
      response: { 201: Script },
    }),
    async (request, reply) => created(reply, createScript(db, orgActorOf(request), request.body)),
  );

  app.get(
    '/:id',
    route('One script at its current version', may('scripts', 'read', byId), {
      params: IdParams,
      response: { 200: Script },
    }),
    oneInOrg(db, getScript),
  );

  app.patch(
    '/:id',
    route(
      'Change a script; a new body, kind or parameters make a new version',
      may('scripts', 'edit', byId),
      changeById(UpdateScriptRequest, Script),
    ),
    async (request) => updateScript(db, orgActorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    route(
      'Delete a script with its versions and runs (refused while a schedule runs it)',
      may('scripts', 'delete', byId),
      { params: IdParams, response: NoContent },
    ),
    async (request, reply) => noContent(reply, deleteScript(db, orgActorOf(request), request.params.id)),
  );

  app.get(
    '/:id/versions',
    route('Every version of a script, newest first', may('scripts', 'read', byId), {
      params: IdParams,
      response: { 200: ScriptVersionList },
    }),
    itemsInOrg(db, listScriptVersions),
  );

  // Core then keeps each target machine the caller may not run scripts on as "skipped".
  app.post(
    '/:id/runs',
    route(
      'Run the script on the machines the targets pick now; output streams on the event stream',
      may('scripts', 'run', byId),
      { params: IdParams, body: StartScriptRunRequest, response: { 202: StartedRun } },
    ),
    async (request, reply) => {
      const { targets, params, timeoutSeconds } = request.body;
      const id = await startScriptRun(ctx, orgActorOf(request), {
        caller: request.caller,
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
    route("A script's runs, newest first", may('scripts', 'read', byId), {
      params: IdParams,
      querystring: RunsQuery,
      response: { 200: ScriptRunList },
    }),
    async (request) => {
      const auth = request.caller;
      const filter = { scriptId: request.params.id, limit: request.query.limit };
      return { items: await listScriptRuns(db, auth.organizationId, filter, auth) };
    },
  );
};

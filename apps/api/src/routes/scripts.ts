import {
  CreateScriptRequest,
  IdParams,
  Script,
  ScriptList,
  ScriptRun,
  ScriptRunList,
  ScriptVersionList,
  StartedRun,
  StartScriptRunRequest,
  Strict,
  UpdateScriptRequest,
} from '@overcast/contracts';
import {
  createScript,
  deleteScript,
  getScript,
  getScriptRun,
  listScriptRuns,
  listScripts,
  listScriptVersions,
  startScriptRun,
  updateScript,
} from '@overcast/core/automation';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import type { AutomationQueues } from './schedules';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['scripts'];
const RunsQuery = Strict({ limit: T.Optional(T.Integer({ minimum: 1, maximum: 500, default: 50 })) });

export function scriptRoutes(app: App, deps: AppDeps, queues: AutomationQueues): void {
  const { db, settings } = deps;

  app.get(
    '/api/v1/scripts',
    {
      schema: {
        tags,
        summary: "The organization's scripts, each at its current version",
        response: { 200: ScriptList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'scripts', 'read');
      return { items: await listScripts(db, auth.organizationId, auth) };
    },
  );

  app.post(
    '/api/v1/scripts',
    {
      schema: {
        tags,
        summary: 'Store a script (version 1)',
        body: CreateScriptRequest,
        response: { 201: Script, ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'scripts', 'create');
      return reply.status(201).send(await createScript(db, orgActorOf(request), request.body));
    },
  );

  app.get(
    '/api/v1/scripts/:id',
    {
      schema: {
        tags,
        summary: 'One script at its current version',
        params: IdParams,
        response: { 200: Script, ...errors },
      },
    },
    async (request) =>
      getScript(
        db,
        (await authorize(request, 'scripts', 'read', { id: request.params.id })).organizationId,
        request.params.id,
      ),
  );

  app.patch(
    '/api/v1/scripts/:id',
    {
      schema: {
        tags,
        summary: 'Change a script; a new body, kind or parameters make a new version',
        params: IdParams,
        body: UpdateScriptRequest,
        response: { 200: Script, ...errors },
      },
    },
    async (request) => {
      await authorize(request, 'scripts', 'edit', { id: request.params.id });
      return updateScript(db, orgActorOf(request), request.params.id, request.body);
    },
  );

  app.delete(
    '/api/v1/scripts/:id',
    {
      schema: {
        tags,
        summary: 'Delete a script with its versions and runs (refused while a schedule runs it)',
        params: IdParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'scripts', 'delete', { id: request.params.id });
      await deleteScript(db, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/scripts/:id/versions',
    {
      schema: {
        tags,
        summary: 'Every version of a script, newest first',
        params: IdParams,
        response: { 200: ScriptVersionList, ...errors },
      },
    },
    async (request) => ({
      items: await listScriptVersions(
        db,
        (await authorize(request, 'scripts', 'read', { id: request.params.id })).organizationId,
        request.params.id,
      ),
    }),
  );

  app.post(
    '/api/v1/scripts/:id/runs',
    {
      schema: {
        tags,
        summary: 'Run the script on the machines the targets pick now; output streams on the event stream',
        params: IdParams,
        body: StartScriptRunRequest,
        response: { 202: StartedRun, ...errors },
      },
    },
    async (request, reply) => {
      const caller = await authorize(request, 'scripts', 'run', { id: request.params.id });
      const id = await startScriptRun({ db, settings, scriptQueue: queues.scripts }, orgActorOf(request), {
        caller,
        scriptId: request.params.id,
        targets: request.body.targets,
        params: request.body.params,
        timeoutSeconds: request.body.timeoutSeconds,
      });
      const targets = await db.prisma.scriptRunTarget.count({ where: { runId: id } });
      return reply.status(202).send({ id, targets });
    },
  );

  app.get(
    '/api/v1/scripts/:id/runs',
    {
      schema: {
        tags,
        summary: "A script's runs, newest first",
        params: IdParams,
        querystring: RunsQuery,
        response: { 200: ScriptRunList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'scripts', 'read', { id: request.params.id });
      return {
        items: await listScriptRuns(
          db,
          auth.organizationId,
          { scriptId: request.params.id, limit: request.query.limit },
          auth,
        ),
      };
    },
  );

  app.get(
    '/api/v1/script-runs',
    {
      schema: {
        tags,
        summary: 'Recent script runs of every script',
        querystring: RunsQuery,
        response: { 200: ScriptRunList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'scripts', 'read');
      return { items: await listScriptRuns(db, auth.organizationId, { limit: request.query.limit }, auth) };
    },
  );

  app.get(
    '/api/v1/script-runs/:id',
    {
      schema: {
        tags,
        summary: 'One run with each machine’s status, exit code, output and times',
        params: IdParams,
        response: { 200: ScriptRun, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'scripts', 'read');
      return getScriptRun(db, auth.organizationId, request.params.id, auth);
    },
  );
}

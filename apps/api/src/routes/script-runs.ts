import { IdParams, ScriptRun, ScriptRunList, Strict } from '@overcast/contracts';
import { getScriptRun, listScriptRuns } from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
import { authOf } from '../http/caller';
import { route } from '../http/route';

/** How many runs a list shows. */
export const RunsQuery = Strict({ limit: T.Optional(T.Integer({ minimum: 1, maximum: 500, default: 50 })) });

/** Runs of every script; core shows only those of scripts the caller may read. */
export const scriptRunRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    route('Recent script runs of every script', may('scripts', 'read'), {
      querystring: RunsQuery,
      response: { 200: ScriptRunList },
    }),
    async (request) => {
      const auth = authOf(request);
      return { items: await listScriptRuns(db, auth.organizationId, { limit: request.query.limit }, auth) };
    },
  );

  app.get(
    '/:id',
    route('One run with each machine’s status, exit code, output and times', may('scripts', 'read'), {
      params: IdParams,
      response: { 200: ScriptRun },
    }),
    async (request) => {
      const auth = authOf(request);
      return getScriptRun(db, auth.organizationId, request.params.id, auth);
    },
  );
};

import { IdParams, ScriptRun, ScriptRunList, Strict } from '@overcast/contracts';
import { getScriptRun, listScriptRuns } from '@overcast/core/automation';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
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
    async (request) => ({
      items: await listScriptRuns(
        db,
        request.caller.organizationId,
        { limit: request.query.limit },
        request.caller,
      ),
    }),
  );

  app.get(
    '/:id',
    route('One run with each machine’s status, exit code, output and times', may('scripts', 'read'), {
      params: IdParams,
      response: { 200: ScriptRun },
    }),
    async (request) => getScriptRun(db, request.caller.organizationId, request.params.id, request.caller),
  );
};

import { IdParams } from '@overcast/contracts';
import { openRecording } from '@overcast/core/terminal';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { route } from '../http/route';

/** Terminal recordings: core lets admins, or the person whose session it was, read one. */
export const shellSessionRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '/:id/recording',
    route(
      "A session's recording as asciicast v2 (admins, or the person whose session it was)",
      'authenticated',
      {
        params: IdParams,
        response: {
          200: T.Unknown({
            description: 'asciicast v2: a JSON header line, then [seconds, "o", text] lines',
          }),
        },
      },
    ),
    async (request, reply) => {
      const { stream, size, session } = await openRecording(db, request.caller, request.params.id);
      return reply
        .header('content-type', 'application/x-asciicast')
        .header('content-length', size)
        .header('content-disposition', `attachment; filename="${session.id}.cast"`)
        .send(stream);
    },
  );
};

import { ErrorBody, Me } from '@overcast/contracts';
import type { App } from '../context';
import { authOf, meOf } from './shared';

export function meRoutes(app: App): void {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who is calling: user, organization and role',
        response: { 200: Me, 401: ErrorBody },
      },
    },
    async (request) => meOf(authOf(request)),
  );
}

import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ERROR_CATALOGUE, ErrorBody } from '@overcast/contracts';
import type { App } from '../context';

/** OpenAPI is generated from the route schemas, so it lists exactly what the api serves. */
export async function installOpenApi(app: App): Promise<void> {
  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Overcast API',
        version: '1',
        description:
          'One API over every cloud account. Authenticate with the session cookie set by POST /api/v1/auth/login, ' +
          'or with an API token: `Authorization: Bearer oc_...`. Errors are `{ "error": { "code", "message", "field"? } }`; ' +
          'every code, its status and its meaning are listed under `x-error-codes`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'overcast_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    // The error catalogue, so a client can rely on the codes as well as on the shapes.
    transformObject: (document) =>
      'openapiObject' in document ? { ...document.openapiObject, 'x-error-codes': ERROR_CATALOGUE } : {},
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { authz: 'public' } }, async () =>
    app.swagger(),
  );
}

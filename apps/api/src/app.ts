import { randomUUID } from 'node:crypto';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import { AttemptLimiter } from '@overcast/core/auth';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { App, AppDeps } from './context';
import { EventHub } from './events/hub';
import { SocketAccess } from './events/socket-access';
import { ApiMetrics } from './metrics';
import { installAuth } from './plugins/auth';
import { installErrorHandlers } from './plugins/errors';
import { installHttpMetrics } from './plugins/http-metrics';
import { installOpenApi } from './plugins/openapi';
import { installSecurityHeaders } from './plugins/security-headers';
import { installValidators } from './plugins/validation';
import { installWeb, resolveWebDir } from './plugins/web';
import { healthRoutes } from './routes/health';
import { apiRoutes } from './routes/index';
import { metricsRoutes } from './routes/metrics';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

export async function buildApp(deps: AppDeps): Promise<App> {
  const bodyLimit = deps.settings.limits.requestBodyKiB * 1024;
  const app: App = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit,
    // The client is the connecting address unless it is a proxy named in settings: a header anyone
    // can send must not choose the address rate limits and the audit trail see.
    trustProxy: deps.settings.trustedProxies.length > 0 ? deps.settings.trustedProxies : false,
    // Reuse a caller's request id when it looks like one, so logs join up across proxies.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every route the app serves, so a test can hold the OpenAPI document to all of them.
  const routeTable: App['routeTable'] = [];
  app.decorate('routeTable', routeTable);
  app.decorate('db', deps.db);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routeTable.push({ method, url: route.url, authz: route.config?.authz });
  });
  const metrics = new ApiMetrics();
  installHttpMetrics(app, metrics);
  installValidators(app);
  installErrorHandlers(app);
  installSecurityHeaders(app, { https: deps.settings.publicUrl.startsWith('https://') });
  // The web bundle and large JSON lists shrink several times; small answers are left alone.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(cookie, { secret: deps.settings.secrets.sessionSecret });
  const { login } = deps.settings;
  app.decorate(
    'attempts',
    new AttemptLimiter(deps.redis, {
      freeFailures: login.accountFreeFailures,
      maxSeconds: login.backoffMaxSeconds,
    }),
  );
  await app.register(websocket, { options: { maxPayload: bodyLimit } });
  await installOpenApi(app);
  installAuth(app, deps);

  healthRoutes(app, deps);
  metricsRoutes(app, deps.settings, metrics.registry);
  // Open terminals and streams follow their holder's access: revocation closes them at once.
  const sockets = new SocketAccess(deps.db, deps.settings.databaseUrl, deps.logger);
  app.addHook('onReady', () => sockets.ready());
  app.addHook('onClose', () => sockets.close());
  const hub = new EventHub(deps.settings.redisUrl, deps.db);
  app.decorate('eventHub', hub);
  hub.onMachineChanged((organizationId, machineId) => sockets.machineChanged(organizationId, machineId));
  app.addHook('onClose', () => hub.close());
  apiRoutes(app, { ...deps, sockets, hub, metrics });

  await installWeb(app, resolveWebDir(deps.settings.webDir));
  return app;
}

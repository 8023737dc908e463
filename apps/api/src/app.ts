import { randomUUID } from 'node:crypto';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import { AttemptLimiter } from '@overcast/core/auth';
import type { Runtime } from '@overcast/runtime';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { App } from './context';
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

export async function buildApp(runtime: Runtime): Promise<App> {
  const bodyLimit = runtime.settings.limits.requestBodyKiB * 1024;
  const app: App = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    bodyLimit,
    // The client is the connecting address unless it is a proxy named in settings: a header anyone
    // can send must not choose the address rate limits and the audit trail see.
    trustProxy: runtime.settings.trustedProxies.length > 0 ? runtime.settings.trustedProxies : false,
    // Reuse a caller's request id when it looks like one, so logs join up across proxies.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    // Path parameters as long as the schemas allow (a DNS record's id, an Azure zone's resource
    // id, percent-encoded); the schemas, not the router, say what is too long.
    routerOptions: { maxParamLength: 4096 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every route the app serves, so a test can hold the OpenAPI document to all of them.
  const routeTable: App['routeTable'] = [];
  app.decorate('routeTable', routeTable);
  app.decorate('db', runtime.db);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routeTable.push({ method, url: route.url, authz: route.config?.authz });
  });
  const metrics = new ApiMetrics();
  installHttpMetrics(app, metrics);
  installValidators(app);
  installErrorHandlers(app);
  installSecurityHeaders(app, { https: runtime.settings.publicUrl.startsWith('https://') });
  // The web bundle and large JSON lists shrink several times; small answers are left alone.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(cookie, { secret: runtime.settings.secrets.sessionSecret });
  const { login } = runtime.settings;
  app.decorate(
    'attempts',
    new AttemptLimiter(runtime.redis, {
      freeFailures: login.accountFreeFailures,
      maxSeconds: login.backoffMaxSeconds,
    }),
  );
  await app.register(websocket, { options: { maxPayload: bodyLimit } });
  await installOpenApi(app);
  installAuth(app, runtime);

  healthRoutes(app, runtime);
  metricsRoutes(app, runtime.settings, metrics.registry);
  // Open terminals and streams follow their holder's access: revocation closes them at once.
  const sockets = new SocketAccess(runtime.db, runtime.settings.databaseUrl, runtime.logger);
  app.addHook('onReady', () => sockets.ready());
  app.addHook('onClose', () => sockets.close());
  const hub = new EventHub(runtime.settings.redisUrl, runtime.db);
  app.decorate('eventHub', hub);
  hub.onMachineChanged((organizationId, machineId) => sockets.machineChanged(organizationId, machineId));
  app.addHook('onClose', () => hub.close());
  apiRoutes(app, { ...runtime, sockets, hub, metrics });

  await installWeb(app, resolveWebDir(runtime.settings.webDir));
  return app;
}

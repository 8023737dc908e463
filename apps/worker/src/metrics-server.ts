import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger, METRICS_OFF, METRICS_REFUSAL, metricsAccess, type Settings } from '@overcast/runtime';
import type { Registry } from 'prom-client';

function answer(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

const error = (res: ServerResponse, status: number, code: string, message: string) =>
  answer(res, status, 'application/json; charset=utf-8', JSON.stringify({ error: { code, message } }));

/** GET /metrics under the api's token rule; everything else is a 404 in the api's error body. */
async function serve(settings: Settings, registry: Registry, req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
    return error(
      res,
      404,
      METRICS_OFF.code,
      `No route ${req.method} ${path}; the worker serves GET /metrics.`,
    );
  }
  const access = metricsAccess(settings.metrics.token, req.headers.authorization);
  if (access === 'off') return error(res, 404, METRICS_OFF.code, METRICS_OFF.message);
  if (access === 'refused') {
    res.setHeader('www-authenticate', 'Bearer');
    return error(res, 401, METRICS_REFUSAL.code, METRICS_REFUSAL.message);
  }
  answer(res, 200, registry.contentType, await registry.metrics());
}

/**
 * The worker's only HTTP listener: /metrics on metrics.workerHost:workerPort, opened only when
 * metrics.token is set. Returns what closes it, or null when metrics are off.
 */
export async function startMetricsServer(
  settings: Settings,
  registry: Registry,
  logger: Logger,
): Promise<(() => Promise<void>) | null> {
  if (!settings.metrics.token) return null;
  const server = createServer((req, res) => {
    serve(settings, registry, req, res).catch((err) => {
      logger.error({ err: (err as Error).message }, 'could not collect metrics');
      if (!res.headersSent)
        error(res, 500, 'internal', 'Collecting the metrics failed; the worker log says why.');
    });
  });
  // Prometheus asks small questions: a slow or idle client is cut off rather than held.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const { workerHost: host, workerPort: port } = settings.metrics;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new Error(`cannot serve metrics on ${host}:${port} (metrics.workerPort): ${err.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  logger.info({ host, port }, 'serving /metrics');
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

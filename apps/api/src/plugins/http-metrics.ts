import type { App } from '../context';
import type { ApiMetrics } from '../metrics';

/** Counts and times every answer, by the template of the route that answered it. */
export function installHttpMetrics(app: App, metrics: ApiMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime);
    done();
  });
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../context';

/** Where the built SPA is: settings.webDir, else apps/web/dist beside this app. */
export function resolveWebDir(configured: string): string | null {
  if (configured) return existsSync(join(configured, 'index.html')) ? resolve(configured) : null;
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve(here, '../../web/dist'), resolve(here, '../../../apps/web/dist')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

/**
 * Serves the web app and answers unknown paths: JSON 404 for the API, index.html for
 * everything else so client-side routes survive a reload.
 */
export async function installWeb(app: App, webDir: string | null): Promise<void> {
  if (webDir) {
    await app.register(fastifyStatic, {
      root: webDir,
      wildcard: false,
      index: false,
      // Hashed asset names never change; index.html must always be revalidated.
      setHeaders: (reply, path) => {
        reply.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isApi = path.startsWith('/api/') || path === '/api' || path === '/healthz' || path === '/readyz';
    if (!isApi && webDir && (request.method === 'GET' || request.method === 'HEAD')) {
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    }
    return reply
      .status(404)
      .send({ error: { code: 'not_found', message: `No route ${request.method} ${path}.` } });
  });
}

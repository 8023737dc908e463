import type { App } from '../context';

// A same-origin SPA and JSON API: nothing needs framing, sniffing or third-party origins.
const HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

export function installSecurityHeaders(app: App): void {
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [k, v] of Object.entries(HEADERS)) {
      // Swagger UI inlines its bootstrap script; the docs page gets a looser policy.
      if (k === 'content-security-policy' && request.url.startsWith('/api/docs')) continue;
      reply.header(k, v);
    }
    reply.header('x-request-id', request.id);
    return payload;
  });
}

import type { App } from '../context';

// A same-origin SPA and JSON API: nothing needs framing, sniffing or third-party origins.
const HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/** `https` when the installation is served over TLS: then browsers are told never to use plain HTTP. */
export function installSecurityHeaders(app: App, options: { https?: boolean } = {}): void {
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [k, v] of Object.entries(HEADERS)) {
      // Swagger UI inlines its bootstrap script; the docs page gets a looser policy.
      if (k === 'content-security-policy' && request.url.startsWith('/api/docs')) continue;
      reply.header(k, v);
    }
    if (options.https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // API answers are per user: no shared cache may keep them.
    if (request.url.startsWith('/api/v1/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    reply.header('x-request-id', request.id);
    return payload;
  });
}

import type { Me } from '@overcast/contracts';
import { createSession, resolveSession } from '@overcast/core/auth';
import { DomainError } from '@overcast/core/errors';
import type { Runtime } from '@overcast/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { meOf } from './caller';

/** The one cookie a browser session travels in: signed, httpOnly, SameSite=Lax. */
export const SESSION_COOKIE = 'overcast_session';

/** The session token of the request's cookie, when the cookie is there and its signature holds. */
export function sessionTokenOf(request: FastifyRequest): string | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}

/** Starts a browser session for a person in an organization, sets its cookie and says who they now are. */
export async function startSession(
  runtime: Pick<Runtime, 'db' | 'settings'>,
  request: FastifyRequest,
  reply: FastifyReply,
  who: { userId: string; organizationId: string },
): Promise<{ me: Me; sessionId: string }> {
  const session = await createSession(runtime.db, {
    userId: who.userId,
    organizationId: who.organizationId,
    ttlHours: runtime.settings.session.ttlHours,
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  });
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: runtime.settings.publicUrl.startsWith('https://'),
    signed: true,
    expires: session.expiresAt,
  });
  return { me: await readBack(runtime, session.token), sessionId: session.sessionId };
}

/** The caller as their session says now (after a switch of organization, say). */
export async function currentMe(runtime: Pick<Runtime, 'db'>, request: FastifyRequest): Promise<Me> {
  const token = sessionTokenOf(request);
  const auth = token ? await resolveSession(runtime.db, token) : null;
  if (!auth) throw new DomainError('unauthenticated', 'unauthenticated', 'Your session ended; log in again.');
  return meOf(auth);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

async function readBack(runtime: Pick<Runtime, 'db'>, token: string): Promise<Me> {
  const auth = await resolveSession(runtime.db, token);
  if (!auth) throw new DomainError('internal', 'internal', 'The new session could not be read back.');
  return meOf(auth);
}

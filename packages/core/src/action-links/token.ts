import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { ACTION_LINK_ACTIONS, type ActionLinkAction } from '@overcast/contracts';
import { DomainError } from '../errors';

/**
 * The signed, expiring token an incident message's button carries, bound to one incident, one
 * machine and one action. It names no person: whoever opens it acts as themselves, after logging in.
 * Its id is what a use is remembered by (action_link_uses), so each token acts once.
 */
export interface ActionLinkClaims {
  tokenId: string;
  organizationId: string;
  incidentId: string;
  machineId: string | null;
  action: ActionLinkAction;
  expiresAt: Date;
}

/** `v1.<claims, base64url JSON>.<HMAC-SHA256, base64url>` */
const VERSION = 'v1';

/**
 * A key of its own, derived from the session secret: a token cannot be made from anything the
 * platform signs for another purpose, and changing secrets.sessionSecret voids every link.
 */
export function actionLinkKey(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, '', 'overcast action links v1', 32));
}

const mac = (key: Buffer, body: string) => createHmac('sha256', key).update(`${VERSION}.${body}`).digest();

export function signActionLink(
  key: Buffer,
  claims: Omit<ActionLinkClaims, 'tokenId' | 'expiresAt'>,
  ttlSeconds: number,
  now = Date.now(),
): string {
  const body = Buffer.from(
    JSON.stringify({
      t: randomUUID(),
      o: claims.organizationId,
      i: claims.incidentId,
      m: claims.machineId,
      a: claims.action,
      e: Math.floor(now / 1000) + ttlSeconds,
    }),
  ).toString('base64url');
  return `${VERSION}.${body}.${mac(key, body).toString('base64url')}`;
}

const invalid = () =>
  new DomainError(
    'invalid',
    'action_link_invalid',
    'This action link is not valid: it was changed or cut short. Open the incident in Overcast, or use the buttons of a newer message.',
  );

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The claims of a token this Overcast signed and that has not expired; otherwise a clear refusal. */
export function verifyActionLink(key: Buffer, token: string, now = Date.now()): ActionLinkClaims {
  const [version, body, signature, ...rest] = token.split('.');
  if (version !== VERSION || !body || !signature || rest.length) throw invalid();
  const expected = mac(key, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { t, o, i, m, a, e } = raw;
  const valid =
    typeof t === 'string' &&
    UUID.test(t) &&
    typeof o === 'string' &&
    UUID.test(o) &&
    typeof i === 'string' &&
    UUID.test(i) &&
    (m === null || (typeof m === 'string' && UUID.test(m))) &&
    (ACTION_LINK_ACTIONS as readonly unknown[]).includes(a) &&
    Number.isInteger(e);
  if (!valid) throw invalid();
  const expiresAt = new Date((e as number) * 1000);
  if (expiresAt.getTime() <= now) {
    throw new DomainError(
      'gone',
      'action_link_expired',
      `This action link expired at ${expiresAt.toISOString()}. Open the incident in Overcast to act on it.`,
    );
  }
  return {
    tokenId: t,
    organizationId: o,
    incidentId: i,
    machineId: m as string | null,
    action: a as ActionLinkAction,
    expiresAt,
  };
}

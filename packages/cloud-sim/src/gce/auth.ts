import { createPublicKey, type KeyObject, randomBytes, verify } from 'node:crypto';

export interface ServiceAccountEntry {
  email: string;
  /** Projects this account may use. */
  projects: Set<string>;
  /** When set, assertions must be signed with the matching private key. */
  publicKey?: KeyObject;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function decodeSegment(segment: string | undefined): Record<string, unknown> | null {
  if (!segment) return null;
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}

const grantError = (error: string, description: string): TokenAnswer => ({
  status: 400,
  body: { error, error_description: description },
});

/**
 * The OAuth side of the emulator: exchanges a service account's signed JWT assertion (RFC 7523,
 * what google-auth clients send to `token_uri`) for an access token, and later recognises it.
 */
export class TokenIssuer {
  private readonly accounts = new Map<string, ServiceAccountEntry>();
  private readonly tokens = new Map<string, { email: string; expiresAt: number }>();

  constructor(private readonly ttlSeconds: number) {}

  addAccount(email: string, projects: string[], publicKey?: string | KeyObject): ServiceAccountEntry {
    const entry: ServiceAccountEntry = {
      email,
      projects: new Set(projects),
      publicKey:
        publicKey === undefined
          ? undefined
          : typeof publicKey === 'string'
            ? createPublicKey(publicKey)
            : publicKey,
    };
    this.accounts.set(email, entry);
    return entry;
  }

  account(email: string): ServiceAccountEntry | undefined {
    return this.accounts.get(email);
  }

  /** Handles a POST to the token endpoint (form-encoded body). */
  exchange(form: string): TokenAnswer {
    const params = new URLSearchParams(form);
    const grant = params.get('grant_type');
    if (grant !== JWT_BEARER)
      return grantError('unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
    const assertion = params.get('assertion') ?? '';
    const [h, p, s] = assertion.split('.');
    const header = decodeSegment(h);
    const claims = decodeSegment(p);
    if (!header || !claims || !s) return grantError('invalid_grant', 'Invalid JWT: malformed assertion.');
    const entry = typeof claims.iss === 'string' ? this.accounts.get(claims.iss) : undefined;
    if (!entry) return grantError('invalid_grant', 'Invalid grant: account not found');
    if (header.alg !== 'RS256') return grantError('invalid_grant', 'Invalid JWT: only RS256 is accepted.');
    if (entry.publicKey) {
      let signed = false;
      try {
        signed = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), entry.publicKey, Buffer.from(s, 'base64url'));
      } catch {
        signed = false;
      }
      if (!signed) return grantError('invalid_grant', 'Invalid JWT Signature.');
    }
    const now = Math.floor(Date.now() / 1000);
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp <= now || exp - iat > 3600 || iat > now + 300) {
      return grantError(
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    }
    const token = `ya29.sim-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { email: entry.email, expiresAt: Date.now() + this.ttlSeconds * 1000 });
    return { status: 200, body: { access_token: token, expires_in: this.ttlSeconds, token_type: 'Bearer' } };
  }

  /** The service account behind an Authorization header, or null when the token is not ours or expired. */
  identify(authorization: string | undefined): ServiceAccountEntry | null {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued || issued.expiresAt <= Date.now()) return null;
    return this.accounts.get(issued.email) ?? null;
  }

  /** Forgets every issued token (as if they were revoked). */
  revokeAll(): void {
    this.tokens.clear();
  }
}

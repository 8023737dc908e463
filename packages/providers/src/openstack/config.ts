// What an OpenStack driver is built from: the Keystone v3 identity (a password user scoped to a
// project, or an application credential) and the non-secret choices (auth URL, region, interface).

import { ProviderError } from '@overcast/contracts';
import { PROVIDER } from './http';

/** A user or project is named by id, or by name within a domain (named by id or name). */
export interface OpenStackCredentials {
  password?: string;
  userId?: string;
  username?: string;
  userDomainId?: string;
  userDomainName?: string;
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
}

export interface OpenStackConfig {
  /** Keystone's v3 root, e.g. https://keystone.example.com:5000/v3. */
  authUrl: string;
  /** The catalog region; may be absent when the catalog has only one. */
  region: string | null;
  /** Which of the catalog's endpoints to use. */
  interface: 'public' | 'internal' | 'admin';
  /** A Neutron network id to put new servers on; absent: Nova picks ("auto"). */
  networkId: string | null;
  perPage: number;
  requestTimeoutMs: number;
  retryAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Tokens are renewed this long before Keystone says they expire. */
  tokenRenewMs: number;
  /** How often a server is read while a resize, snapshot or rebuild runs, and how long that may take. */
  actionPollMs: number;
  actionTimeoutMs: number;
}

const text = (raw: unknown): string | null =>
  typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;

const num = (raw: unknown, fallback: number, min: number, max: number): number =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback;

/** Nova's default max_limit is 1000; Glance's api_limit_max too. */
const MAX_PER_PAGE = 1000;

/**
 * The Keystone v3 root from what a user pasted: with or without `/v3`, with or without a
 * trailing slash. A v2.0 URL is refused here: Overcast speaks Identity v3 only.
 */
export function identityRoot(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ProviderError(
      'invalid',
      `The auth URL '${raw}' is not a URL (e.g. https://keystone.example.com:5000/v3).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProviderError(
      'invalid',
      `The auth URL must start with https:// or http://, not '${url.protocol}'.`,
    );
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/v2\.0$/.test(path))
    throw new ProviderError(
      'invalid',
      `The auth URL ${raw} is Keystone's v2.0 API; Overcast speaks Identity v3 only. Use the v3 URL (the same address ending in /v3).`,
    );
  url.pathname = /\/v3$/.test(path) ? path : `${path}/v3`;
  return url;
}

export function readConfig(init: {
  endpoint?: string | null;
  config?: Record<string, unknown>;
}): OpenStackConfig {
  const raw = init.config ?? {};
  const authUrl = text(init.endpoint) ?? text(raw.authUrl);
  if (!authUrl)
    throw new ProviderError(
      'invalid',
      `${PROVIDER} needs its auth URL (Keystone, e.g. https://keystone.example.com:5000/v3).`,
    );
  const iface = raw.interface === 'internal' || raw.interface === 'admin' ? raw.interface : 'public';
  return {
    authUrl,
    region: text(raw.region),
    interface: iface,
    networkId: text(raw.networkId),
    perPage: Math.trunc(num(raw.perPage, MAX_PER_PAGE, 1, MAX_PER_PAGE)),
    requestTimeoutMs: num(raw.requestTimeoutMs, 15_000, 1, 600_000),
    retryAttempts: Math.trunc(num(raw.retryAttempts, 5, 1, 20)),
    retryBaseDelayMs: num(raw.retryBaseDelayMs, 250, 0, 60_000),
    retryMaxDelayMs: num(raw.retryMaxDelayMs, 20_000, 0, 600_000),
    tokenRenewMs: num(raw.tokenRenewMs, 300_000, 0, 3_600_000),
    actionPollMs: num(raw.actionPollMs, 2_000, 10, 60_000),
    actionTimeoutMs: num(raw.actionTimeoutMs, 900_000, 1_000, 3_600_000),
  };
}

/** Keystone's `auth` body for these credentials; refuses a half-named identity before any call. */
export function authBody(c: OpenStackCredentials): unknown {
  const domain = (id: string | null, name: string | null) => (id ? { id } : name ? { name } : undefined);
  const userDomain = domain(text(c.userDomainId), text(c.userDomainName));
  const appId = text(c.applicationCredentialId);
  const appName = text(c.applicationCredentialName);
  const secret = text(c.applicationCredentialSecret);
  const user = () => {
    const id = text(c.userId);
    if (id) return { id };
    const name = text(c.username);
    if (!name) return null;
    return { name, domain: userDomain ?? { id: 'default' } };
  };
  if (appId || appName) {
    if (!secret) throw new ProviderError('auth', 'An application credential needs its secret.');
    if (appId)
      return {
        auth: {
          identity: { methods: ['application_credential'], application_credential: { id: appId, secret } },
        },
      };
    const owner = user();
    if (!owner)
      throw new ProviderError(
        'auth',
        'An application credential named by name needs its user (name and domain, or id).',
      );
    return {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { name: appName, secret, user: owner },
        },
      },
    };
  }
  const owner = user();
  const password = typeof c.password === 'string' && c.password !== '' ? c.password : null;
  if (!owner || !password)
    throw new ProviderError(
      'auth',
      'OpenStack needs a user (name or id) and password, or an application credential.',
    );
  const projectId = text(c.projectId);
  const projectName = text(c.projectName);
  if (!projectId && !projectName)
    throw new ProviderError(
      'auth',
      'Name the project to work in (its name or id): a token without one sees no servers.',
    );
  const project = projectId
    ? { id: projectId }
    : {
        name: projectName,
        // A project in no named domain is looked for in the user's own, then in Default.
        domain: domain(text(c.projectDomainId), text(c.projectDomainName)) ?? userDomain ?? { id: 'default' },
      };
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { ...owner, password } } },
      scope: { project },
    },
  };
}

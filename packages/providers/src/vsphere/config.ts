import { ProviderError } from '@overcast/contracts';
import { normalizeFingerprint } from '../common/pinned-tls';

export interface VsphereCredentials {
  username: string;
  password: string;
}

export interface VsphereConfig {
  /** Pinned SHA-256 of the certificate, canonical form; null: trust on first use. */
  certificateFingerprint: string | null;
  requestTimeoutMs: number;
  retryAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Per-VM calls (details, guest identity) in flight at once. */
  concurrency: number;
}

const num = (raw: unknown, fallback: number, min: number, max: number) =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback;

export function readConfig(raw: Record<string, unknown> = {}): VsphereConfig {
  const fp = typeof raw.certificateFingerprint === 'string' ? raw.certificateFingerprint.trim() : '';
  return {
    certificateFingerprint: fp ? normalizeFingerprint(fp) : null,
    requestTimeoutMs: num(raw.requestTimeoutMs, 30_000, 1, 600_000),
    retryAttempts: Math.trunc(num(raw.retryAttempts, 5, 1, 20)),
    retryBaseDelayMs: num(raw.retryBaseDelayMs, 250, 0, 60_000),
    retryMaxDelayMs: num(raw.retryMaxDelayMs, 20_000, 0, 600_000),
    concurrency: Math.trunc(num(raw.concurrency, 8, 1, 64)),
  };
}

export function readCredentials(credentials: Partial<VsphereCredentials> | undefined): VsphereCredentials {
  const username = credentials?.username?.trim();
  const password = credentials?.password;
  if (!username || !password)
    throw new ProviderError('auth', 'A vCenter user (user@vsphere.local) and its password are required.');
  return { username, password };
}

/** The API root: `https://vcenter/api`, from the address with or without the path. */
export function apiRoot(endpoint: string | null | undefined): URL {
  if (!endpoint?.trim())
    throw new ProviderError(
      'invalid',
      'The address of a vCenter Server is required, e.g. https://vcenter.example.com.',
    );
  const text = /^[a-z]+:\/\//i.test(endpoint.trim()) ? endpoint.trim() : `https://${endpoint.trim()}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProviderError(
      'invalid',
      `'${endpoint}' is not an address: expected https://vcenter.example.com.`,
    );
  }
  if (url.protocol !== 'https:')
    throw new ProviderError('invalid', 'vCenter answers its API only over HTTPS: use an https:// address.');
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/(api|rest)$/, '')}/api`;
  url.search = '';
  url.hash = '';
  return url;
}

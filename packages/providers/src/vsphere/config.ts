import { ProviderError } from '@overcast/contracts';
import {
  bounded,
  type PinnedRestConfig,
  readPinnedRestConfig,
  readTaskWait,
  type TaskWaitConfig,
} from '../common/pinned-rest';

export interface VsphereCredentials {
  username: string;
  password: string;
}

/** Tasks: a snapshot taken, reverted or removed. */
export interface VsphereConfig extends PinnedRestConfig, TaskWaitConfig {
  /** Per-VM calls (details, guest identity) in flight at once. */
  concurrency: number;
}

export function readConfig(raw: Record<string, unknown> = {}): VsphereConfig {
  return {
    ...readPinnedRestConfig(raw),
    ...readTaskWait(raw),
    concurrency: Math.trunc(bounded(raw.concurrency, 8, 1, 64)),
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

import type { Cloud, Database, Machine } from '@overcast/db';
import { openCredentials } from '../clouds/service';
import type { SecretBox } from '../secrets';

/** How an SSH-host cloud logs in to one of its hosts: the user and port it was added with, and the cloud's key. */
export interface CloudHostLogin {
  username?: string;
  port?: number;
  privateKey?: string;
  passphrase?: string;
  password?: string;
}

interface HostEntry {
  address: string;
  port?: number;
  username: string;
}

type Login = Pick<CloudHostLogin, 'privateKey' | 'passphrase' | 'password'>;

/** The SSH-host driver's externalId: "address:port", IPv6 in brackets. */
const hostId = (address: string, port: number) =>
  address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;

/**
 * Hosts added with an SSH-host cloud already have a login: the cloud's credentials (with any
 * per-host override) and the user and port they were added with. The terminal uses it when the
 * machine has no key or user of its own. Null for machines of other clouds.
 */
export async function cloudHostLogin(
  deps: { db: Database; box: SecretBox },
  machine: Pick<Machine, 'cloudId' | 'organizationId' | 'externalId'>,
): Promise<CloudHostLogin | null> {
  const cloud = await deps.db.prisma.cloud.findFirst({
    where: { id: machine.cloudId, organizationId: machine.organizationId },
  });
  return cloud ? cloudHostLoginOf(deps.box, cloud, machine) : null;
}

/** The same, from a cloud row already loaded (script runs load each cloud once for all its machines). */
export function cloudHostLoginOf(
  box: SecretBox,
  cloud: Cloud,
  machine: Pick<Machine, 'externalId'>,
): CloudHostLogin | null {
  if (cloud.provider !== 'ssh_host') return null;
  const hosts = ((cloud.config as { hosts?: HostEntry[] }).hosts ?? []) as HostEntry[];
  const host = hosts.find((h) => hostId(h.address, h.port ?? 22) === machine.externalId);
  const credentials = openCredentials(box, cloud) as Login & { hosts?: Record<string, Login> };
  const own = credentials.hosts?.[machine.externalId];
  const login = own?.privateKey || own?.password ? own : credentials;
  return {
    username: host?.username,
    port: host?.port,
    privateKey: login.privateKey,
    passphrase: login.passphrase,
    password: login.password,
  };
}

import { ProviderError } from '@overcast/contracts';

/** One server the user added. */
export interface SshHostEntry {
  /** Display name; the host's own hostname is used when absent. */
  name: string | null;
  address: string;
  port: number;
  username: string;
  /** Pinned host key (SHA256:...); null trusts the first key seen (exposed by the driver). */
  hostKeyFingerprint: string | null;
}

export interface SshHostConfig {
  hosts: SshHostEntry[];
  /** Hosts contacted at once while listing. Default 8. */
  concurrency: number;
  /** Per host: TCP connect + login. Default 10 s. */
  connectTimeoutMs: number;
  /** Per command on a host. Default 30 s. */
  commandTimeoutMs: number;
  /**
   * The programs run for stop and reboot, as argv. Defaults `poweroff` and `reboot`; run directly
   * when logged in as root, otherwise through `sudo -n` (which never prompts).
   */
  powerCommands: { reboot: string[]; poweroff: string[] };
}

export interface SshLogin {
  privateKey?: string;
  passphrase?: string;
  password?: string;
}

/** Shared login for all hosts, with optional per-host overrides keyed by externalId ("address:port"). */
export type SshHostCredentials = SshLogin & { hosts?: Record<string, SshLogin> };

/** "address:port", with IPv6 addresses in brackets. */
export const hostId = (address: string, port: number): string =>
  address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;

const str = (raw: unknown): string | null =>
  typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
const num = (raw: unknown, fallback: number, min: number, max: number): number =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback;

function readHost(raw: unknown, index: number): SshHostEntry {
  if (!raw || typeof raw !== 'object')
    throw new ProviderError('invalid', `Host #${index + 1} must be an object.`);
  const h = raw as Record<string, unknown>;
  const address = str(h.address);
  if (!address) throw new ProviderError('invalid', `Host #${index + 1} needs an address.`);
  const username = str(h.username);
  if (!username) throw new ProviderError('invalid', `Host ${address} needs an SSH user name.`);
  const port = h.port === undefined || h.port === null ? 22 : Number(h.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProviderError('invalid', `${String(h.port)} is not a valid SSH port for ${address}.`);
  }
  return { name: str(h.name), address, port, username, hostKeyFingerprint: str(h.hostKeyFingerprint) };
}

function argv(raw: unknown, fallback: string[]): string[] {
  if (raw === undefined || raw === null) return fallback;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((a) => typeof a === 'string' && a !== '')) {
    throw new ProviderError(
      'invalid',
      'A power command must be a list of arguments, e.g. ["systemctl", "reboot"].',
    );
  }
  return raw as string[];
}

export function readConfig(raw: Record<string, unknown> = {}): SshHostConfig {
  const list = raw.hosts ?? [];
  if (!Array.isArray(list)) throw new ProviderError('invalid', 'config.hosts must be a list of hosts.');
  const hosts = list.map(readHost);
  const seen = new Set<string>();
  for (const h of hosts) {
    const id = hostId(h.address, h.port);
    if (seen.has(id)) throw new ProviderError('invalid', `${id} is listed twice.`);
    seen.add(id);
  }
  const power = (raw.powerCommands ?? {}) as Record<string, unknown>;
  return {
    hosts,
    concurrency: Math.trunc(num(raw.concurrency, 8, 1, 64)),
    connectTimeoutMs: num(raw.connectTimeoutMs, 10_000, 500, 120_000),
    commandTimeoutMs: num(raw.commandTimeoutMs, 30_000, 1_000, 600_000),
    powerCommands: { reboot: argv(power.reboot, ['reboot']), poweroff: argv(power.poweroff, ['poweroff']) },
  };
}

import { ProviderError } from '@overcast/contracts';

/** The host virsh runs on when the hypervisor is remote; virsh itself connects to `uri` there. */
export interface LibvirtHost {
  address: string;
  port: number;
  username: string;
}

/** Non-secret settings of a libvirt cloud (`DriverInit.config`). */
export interface LibvirtConfig {
  /** libvirt connection URI as virsh understands it: qemu:///system, test:///default... */
  uri: string;
  /** Run virsh on this host over SSH; null runs it on the Overcast machine itself. */
  host: LibvirtHost | null;
  /**
   * The host key to insist on (SHA256:...). Null trusts the first key seen; the driver exposes
   * it as `hostKey` so the caller can store it for next time.
   */
  hostKeyFingerprint: string | null;
  /** Per virsh invocation. Default 60 s. */
  commandTimeoutMs: number;
  /** SSH connect + login. Default 15 s. */
  connectTimeoutMs: number;
  /** Pool for new volumes; default: the "default" pool, or the only active one. */
  storagePool: string | null;
  /** libvirt network for new machines' NIC; default: "default" when it exists. */
  network: string | null;
  /** Pools whose volumes are offered as images, besides ISO files and backing images. */
  imagePools: string[];
  /** Domains read per virsh invocation while listing. Default 50. */
  batchSize: number;
  /**
   * How long `stop` waits for the guest to shut down before pulling the plug (`virsh destroy`).
   * 0 (default) only asks the guest and returns; the next sync shows the result.
   */
  forceStopAfterMs: number;
}

/** Decrypted secrets for the SSH login; unused when virsh runs locally. */
export interface LibvirtCredentials {
  privateKey?: string;
  passphrase?: string;
  password?: string;
}

const num = (raw: unknown, fallback: number, min: number, max: number): number =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback;

const str = (raw: unknown): string | null =>
  typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;

function readHost(raw: unknown): LibvirtHost | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object')
    throw new ProviderError('invalid', 'config.host must be { address, port, username }.');
  const h = raw as Record<string, unknown>;
  const address = str(h.address);
  const username = str(h.username);
  if (!address) throw new ProviderError('invalid', 'The libvirt host needs an address.');
  if (!username) throw new ProviderError('invalid', `The libvirt host ${address} needs an SSH user name.`);
  const port = h.port === undefined || h.port === null ? 22 : Number(h.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProviderError('invalid', `${String(h.port)} is not a valid SSH port.`);
  }
  return { address, port, username };
}

export function readConfig(raw: Record<string, unknown> = {}): LibvirtConfig {
  const uri = str(raw.uri);
  if (!uri) throw new ProviderError('invalid', 'A libvirt connection URI is required (e.g. qemu:///system).');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new ProviderError(
      'invalid',
      `'${uri}' is not a libvirt URI (expected something like qemu:///system).`,
    );
  }
  const host = readHost(raw.host);
  const hostKey =
    str(raw.hostKeyFingerprint) ?? str((raw.host as Record<string, unknown> | undefined)?.hostKeyFingerprint);
  return {
    uri,
    host,
    hostKeyFingerprint: hostKey,
    commandTimeoutMs: num(raw.commandTimeoutMs, 60_000, 1_000, 3_600_000),
    connectTimeoutMs: num(raw.connectTimeoutMs, 15_000, 500, 120_000),
    storagePool: str(raw.storagePool),
    network: str(raw.network),
    imagePools: Array.isArray(raw.imagePools)
      ? raw.imagePools.filter((p): p is string => typeof p === 'string')
      : [],
    batchSize: Math.trunc(num(raw.batchSize, 50, 1, 500)),
    forceStopAfterMs: num(raw.forceStopAfterMs, 0, 0, 3_600_000),
  };
}

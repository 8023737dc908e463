import type { LookupFunction } from 'node:net';
import {
  type DriverInit,
  type MachineAction,
  type ProviderDriver,
  ProviderError,
  type RemoteImage,
  type RemoteLocation,
  type RemoteMachine,
  type RemoteSize,
  type RemoteVolume,
} from '@overcast/contracts';
import {
  commandLine,
  connectSsh,
  type PinnedHostKey,
  pinnedHostKey,
  type SshConnection,
  SshError,
  sshToProviderError,
} from '@overcast/ssh';
import { mapBounded } from './bounded';
import {
  hostId,
  readConfig,
  type SshHostConfig,
  type SshHostCredentials,
  type SshHostEntry,
  type SshLogin,
} from './config';
import { FACTS_SCRIPT, type HostFacts, parseFacts } from './facts';
import { toMachine, unreachableMachine } from './map';

/** The SSH host driver also tells which host keys it saw, for the caller to pin. */
export interface SshHostDriver extends ProviderDriver {
  readonly provider: 'ssh_host';
  /** Host keys seen on the latest contact with each host, by externalId ("address:port"). */
  readonly hostKeys: Readonly<Record<string, PinnedHostKey>>;
}

type Outcome =
  | { host: SshHostEntry; ok: true; facts: HostFacts; hostKey: PinnedHostKey }
  | { host: SshHostEntry; ok: false; error: SshError | Error; hostKey: PinnedHostKey | null };

class Driver implements SshHostDriver {
  readonly provider = 'ssh_host' as const;
  private readonly seen: Record<string, PinnedHostKey> = {};

  constructor(
    private readonly config: SshHostConfig,
    private readonly credentials: SshHostCredentials,
    private readonly lookup?: LookupFunction,
  ) {}

  get hostKeys(): Readonly<Record<string, PinnedHostKey>> {
    return { ...this.seen };
  }

  private login(host: SshHostEntry): SshLogin {
    const own = this.credentials.hosts?.[hostId(host.address, host.port)];
    return own?.privateKey || own?.password !== undefined ? own : this.credentials;
  }

  private async connect(host: SshHostEntry, signal?: AbortSignal): Promise<SshConnection> {
    const login = this.login(host);
    const connection = await connectSsh({
      host: host.address,
      port: host.port,
      username: host.username,
      privateKey: login.privateKey,
      passphrase: login.passphrase,
      password: login.password,
      hostKeyFingerprint: host.hostKeyFingerprint,
      connectTimeoutMs: this.config.connectTimeoutMs,
      signal,
      lookup: this.lookup,
    });
    this.seen[hostId(host.address, host.port)] = pinnedHostKey(connection.hostKey);
    return connection;
  }

  /** Connects, runs the facts script once, disconnects. Never throws: failures are outcomes. */
  private async probe(host: SshHostEntry, signal?: AbortSignal): Promise<Outcome> {
    let connection: SshConnection | undefined;
    try {
      connection = await this.connect(host, signal);
      const result = await connection.exec('sh -s', {
        stdin: FACTS_SCRIPT,
        timeoutMs: this.config.commandTimeoutMs,
        signal,
      });
      if (result.timedOut) {
        throw new SshError(
          'timeout',
          `Reading facts from ${host.address} took longer than ${this.config.commandTimeoutMs / 1000} s.`,
        );
      }
      if (!result.stdout.includes('@@overcast:end')) {
        throw new SshError(
          'protocol',
          `${host.address} did not run the facts script (exit ${result.exitCode}): ${result.stderr.trim() || 'no output'}. Overcast needs a POSIX sh on the host.`,
        );
      }
      return { host, ok: true, facts: parseFacts(result.stdout), hostKey: pinnedHostKey(connection.hostKey) };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      return { host, ok: false, error, hostKey: this.seen[hostId(host.address, host.port)] ?? null };
    } finally {
      await connection?.close().catch(() => {});
    }
  }

  private find(externalId: string): SshHostEntry {
    const host = this.config.hosts.find((h) => hostId(h.address, h.port) === externalId);
    if (!host) throw new ProviderError('not-found', `No host ${externalId} is configured in this cloud.`);
    return host;
  }

  /** Every host is tried; any failure fails validation, naming each host and what to fix. */
  async validate(): Promise<void> {
    if (this.config.hosts.length === 0) {
      throw new ProviderError('invalid', 'Add at least one host (address and SSH user) to this cloud.');
    }
    const failures: { host: SshHostEntry; error: ProviderError }[] = [];
    for await (const outcome of mapBounded(this.config.hosts, this.config.concurrency, (h) =>
      this.probe(h),
    )) {
      if (!outcome.ok) failures.push({ host: outcome.host, error: sshToProviderError(outcome.error) });
    }
    const first = failures[0];
    if (!first) return;
    const label = (h: SshHostEntry) => `${h.name ?? h.address} (${hostId(h.address, h.port)})`;
    const message =
      failures.length === 1
        ? `${label(first.host)}: ${first.error.message}`
        : failures.map((f) => `${label(f.host)}: ${f.error.message}`).join('\n');
    throw new ProviderError(first.error.kind, message, {
      code: first.error.options.code,
      cause: first.error,
    });
  }

  /**
   * One machine per host, read concurrently. A host that cannot be reached (or refuses the login)
   * is still listed, state unknown, with the error in `extra.error`; the others list normally.
   */
  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    for await (const outcome of mapBounded(
      this.config.hosts,
      this.config.concurrency,
      (h) => this.probe(h, signal),
      signal,
    )) {
      yield outcome.ok
        ? toMachine(outcome.host, outcome.facts, outcome.hostKey)
        : unreachableMachine(outcome.host, outcome.error, outcome.hostKey);
    }
  }

  /**
   * - reboot / stop: runs the reboot / poweroff command (see `powerCommands`), directly as root,
   *   otherwise through `sudo -n`. The connection dropping under it counts as success.
   * - start: impossible over SSH (nothing answers while the host is off).
   * - destroy: Overcast forgets the host; nothing happens on the host itself.
   * - rename: the name is Overcast's own; the host's hostname is left alone.
   */
  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    const host = this.find(externalId);
    switch (action) {
      case 'start':
        throw new ProviderError(
          'invalid',
          'An SSH host cannot be powered on remotely: Overcast reaches it over SSH only while it runs. Power it on at the machine, through its BMC/IPMI, or at its provider.',
        );
      case 'stop':
        return this.power(host, this.config.powerCommands.poweroff);
      case 'reboot':
        return this.power(host, this.config.powerCommands.reboot);
      case 'destroy':
        return;
      case 'rename':
        if (!options.name?.trim()) throw new ProviderError('invalid', 'rename needs a new name');
        return;
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  private async power(host: SshHostEntry, argv: string[]): Promise<void> {
    const command = commandLine(argv);
    // Sent on stdin to sh: the root test and the sudo fallback need a POSIX shell.
    const script = `if [ "$(id -u)" -eq 0 ]; then exec ${command}; else exec sudo -n ${command}; fi\n`;
    let connection: SshConnection | undefined;
    try {
      connection = await this.connect(host);
      const result = await connection.exec('sh -s', {
        stdin: script,
        timeoutMs: this.config.commandTimeoutMs,
      });
      // A host going down may kill the session before the exit status arrives.
      if (result.exitCode === 0 || result.exitCode === null) return;
      const stderr = result.stderr.trim();
      if (
        /sudo: .*password is required|sudo: a terminal is required|not in the sudoers|may not run sudo/i.test(
          stderr,
        )
      ) {
        throw new ProviderError(
          'auth',
          `${host.username} may not run '${argv.join(' ')}' on ${host.address} without a password (${stderr}). Allow it with NOPASSWD in sudoers, or log in as root.`,
          { code: 'sudo' },
        );
      }
      throw new ProviderError(
        'invalid',
        `'${argv.join(' ')}' failed on ${host.address} (exit ${result.exitCode}): ${stderr || 'no message'}`,
        { code: 'command-failed' },
      );
    } catch (err) {
      if (err instanceof SshError && err.kind === 'closed' && connection) return;
      throw sshToProviderError(err);
    } finally {
      await connection?.close().catch(() => {});
    }
  }

  async createMachine(): Promise<RemoteMachine> {
    throw new ProviderError(
      'invalid',
      'SSH hosts are added, not created: enter the address and login of an existing server in this cloud’s settings.',
    );
  }

  // An SSH host is one machine; it has no volumes, sizes, images or regions Overcast manages.
  async *listVolumes(): AsyncIterable<RemoteVolume> {
    yield* [];
  }

  async volumeAction(): Promise<undefined> {
    throw new ProviderError('invalid', 'SSH hosts have no volumes that Overcast manages.');
  }

  async listSizes(): Promise<RemoteSize[]> {
    return [];
  }

  async listImages(): Promise<RemoteImage[]> {
    return [];
  }

  async listLocations(): Promise<RemoteLocation[]> {
    return [];
  }
}

/**
 * A driver for servers reached over SSH ("other server"): `config.hosts` lists them,
 * `credentials` holds the login (a private key with optional passphrase, or a password), with
 * optional per-host overrides under `credentials.hosts["address:port"]`.
 */
export function createSshHostDriver(init: DriverInit<SshHostCredentials>): SshHostDriver {
  const config = readConfig(init.config);
  const credentials = init.credentials ?? {};
  const missing = config.hosts.filter((h) => {
    const own = credentials.hosts?.[hostId(h.address, h.port)];
    return !(
      own?.privateKey ||
      own?.password !== undefined ||
      credentials.privateKey ||
      credentials.password !== undefined
    );
  });
  if (missing.length > 0) {
    throw new ProviderError(
      'auth',
      `A private key or password is required to log in to ${missing.map((h) => h.address).join(', ')}.`,
    );
  }
  return new Driver(config, credentials, init.lookup);
}

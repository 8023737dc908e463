import { Agent, type AgentOptions } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { connectSsh, type SshConnection, sshToProviderError } from '@overcast/ssh';
import type { DockerSshHost } from './config';

const IDLE_CLOSE_MS = 5_000;

/**
 * An HTTP agent whose every connection is a stream to the engine's unix socket on a remote host,
 * forwarded through one SSH session (opened on first use, reopened after it drops). Nothing
 * has to be installed on the host but sshd and the engine itself.
 */
export class SshSocketAgent extends Agent {
  private connection: Promise<SshConnection> | null = null;
  /** Forwarded streams open now; the session is closed after a while with none. */
  private active = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: DockerSshHost,
    private readonly socketPath: string,
    private readonly connectTimeoutMs: number,
    private readonly lookup?: LookupFunction,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: false, ...options });
  }

  private ssh(): Promise<SshConnection> {
    const open = this.connection;
    if (open) {
      return open.then((c) => {
        if (!c.closed) return c;
        this.connection = null;
        return this.ssh();
      });
    }
    const h = this.host;
    this.connection = connectSsh({
      host: h.address,
      port: h.port,
      username: h.username,
      privateKey: h.privateKey,
      passphrase: h.passphrase,
      password: h.password,
      hostKeyFingerprint: h.hostKeyFingerprint,
      connectTimeoutMs: this.connectTimeoutMs,
      lookup: this.lookup,
    }).catch((err) => {
      this.connection = null;
      throw sshToProviderError(err);
    });
    return this.connection;
  }

  override createConnection(
    _options: unknown,
    callback?: (err: Error | null, socket: Duplex) => void,
  ): undefined {
    this.active++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.ssh()
      .then((c) => c.forwardToSocket(this.socketPath))
      .then((channel) => {
        channel.once('close', () => this.released());
        // http.ClientRequest treats its socket as a net.Socket; a channel has no such knobs.
        const socket = Object.assign(channel, {
          setTimeout: () => socket,
          setNoDelay: () => socket,
          setKeepAlive: () => socket,
          ref: () => socket,
          unref: () => socket,
        });
        callback?.(null, socket);
      })
      .catch((err: Error) => {
        this.released();
        callback?.(err, undefined as unknown as Duplex);
      });
    return undefined;
  }

  /** Drivers are short-lived and nobody closes them: an idle session closes itself. */
  private released(): void {
    this.active--;
    if (this.active > 0 || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.active === 0) void this.close();
    }, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const open = this.connection;
    this.connection = null;
    this.destroy();
    if (open) await (await open.catch(() => null))?.close();
  }
}

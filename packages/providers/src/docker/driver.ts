import type { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import { type Duplex, PassThrough } from 'node:stream';
import {
  type CreateMachineSpec,
  type DriverInit,
  type MachineAction,
  type NetworkDriver,
  ProviderError,
  type RemoteImage,
  type RemoteLocation,
  type RemoteMachine,
  type RemoteSize,
  type RemoteVolume,
  type VolumeOperation,
} from '@overcast/contracts';
import Dockerode from 'dockerode';
import { lookupAgents } from '../common/agents';
import type {
  ContainerDriver,
  ContainerOp,
  ContainerProcess,
  ContainerShell,
  ContainerSpec,
  EngineEvent,
  EngineFacts,
  PullProgress,
} from '../common/container-driver';
import { withNetworks } from '../common/with-networks';
import { type DockerConfig, type DockerCredentials, readConfig } from './config';
import { dockerError } from './errors';
import { toImage, toMachine, toVolume } from './map';
import { DockerNetworks } from './networks';
import { SshSocketAgent } from './ssh-agent';
import { probeTlsRefusal } from './tls-probe';

/** The API version Overcast speaks; older engines are addressed at their own (from /version). */
const PREFERRED_API = '1.47';

const SHELL_CMD = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];

export class DockerDriver implements ContainerDriver {
  readonly provider = 'docker' as const;
  private client: Dockerode | null = null;
  private sshAgent: SshSocketAgent | null = null;
  /** For tcp:// engines given a lookup: resolves the engine's name through it. */
  private tcpAgent: Agent | null = null;
  readonly networks = new DockerNetworks(
    () => this.docker(),
    (fn) => this.call(fn),
  );

  constructor(
    readonly config: DockerConfig,
    private readonly lookup?: LookupFunction,
  ) {}

  private options(version?: string): Dockerode.DockerOptions {
    const e = this.config.endpoint;
    const base: Dockerode.DockerOptions = {
      version: version ? `v${version}` : undefined,
      connectionTimeout: this.config.connectTimeoutMs,
    } as Dockerode.DockerOptions;
    if (e.kind === 'unix') return { ...base, socketPath: e.socketPath };
    if (e.kind === 'ssh') {
      this.sshAgent ??= new SshSocketAgent(e.ssh, e.socketPath, this.config.connectTimeoutMs, this.lookup);
      return {
        ...base,
        protocol: 'http',
        host: 'docker',
        port: 80,
        agent: this.sshAgent,
      } as Dockerode.DockerOptions;
    }
    if (this.lookup) this.tcpAgent ??= lookupAgents(this.lookup)[e.tls ? 'https' : 'http'];
    return {
      ...base,
      host: e.host,
      port: e.port,
      protocol: e.tls ? 'https' : 'http',
      ...(this.tcpAgent ? { agent: this.tcpAgent } : {}),
      ...(e.tls ? { ca: e.tls.ca, cert: e.tls.cert, key: e.tls.key } : {}),
    };
  }

  private get where(): string {
    return this.config.label;
  }

  get label(): string {
    return this.config.label;
  }

  /** Negotiates the API version once (as the docker CLI does), then speaks it. */
  private async docker(): Promise<Dockerode> {
    if (this.client) return this.client;
    const probe = new Dockerode(this.options());
    const version = await this.call(() => probe.version());
    const engineApi = version.ApiVersion ?? PREFERRED_API;
    const use = compareVersions(engineApi, PREFERRED_API) < 0 ? engineApi : PREFERRED_API;
    this.client = new Dockerode(this.options(use));
    return this.client;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = dockerError(err, this.where);
      const endpoint = this.config.endpoint;
      if (e.options.code === 'engine_unreachable' && endpoint.kind === 'tcp' && endpoint.tls) {
        const alert = await probeTlsRefusal(endpoint.host, endpoint.port, endpoint.tls, this.lookup);
        if (alert)
          throw dockerError(Object.assign(new Error(alert), { code: 'CERTIFICATE_REQUIRED' }), this.where);
      }
      throw e;
    }
  }

  /** Ends the SSH session an ssh:// engine is reached through (nothing to do otherwise). */
  async close(): Promise<void> {
    await this.sshAgent?.close();
    this.sshAgent = null;
  }

  async validate(): Promise<void> {
    const docker = await this.docker();
    await this.call(() => docker.ping());
  }

  async facts(): Promise<EngineFacts> {
    const docker = await this.docker();
    const [info, version] = await this.call(() => Promise.all([docker.info(), docker.version()]));
    return {
      name: info.Name,
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: info.OperatingSystem,
      kernel: info.KernelVersion,
      cpus: info.NCPU,
      memoryBytes: info.MemTotal,
      containers: {
        total: info.Containers,
        running: info.ContainersRunning,
        paused: info.ContainersPaused,
        stopped: info.ContainersStopped,
      },
      images: info.Images,
    };
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    const docker = await this.docker();
    const list = await this.call(() =>
      docker.listContainers({ all: true, abortSignal: signal } as Dockerode.ContainerListOptions),
    );
    for (const c of list) {
      if (signal.aborted) return;
      yield toMachine(c, this.where);
    }
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    const docker = await this.docker();
    const [volumes, containers] = await this.call(() =>
      Promise.all([
        docker.listVolumes({ abortSignal: signal } as Dockerode.VolumeListOptions),
        docker.listContainers({ all: true, abortSignal: signal } as Dockerode.ContainerListOptions),
      ]),
    );
    const users = new Map<string, string[]>();
    for (const c of containers) {
      for (const m of c.Mounts ?? []) {
        if (m.Name) users.set(m.Name, [...(users.get(m.Name) ?? []), c.Id]);
      }
    }
    for (const v of volumes.Volumes ?? []) {
      if (signal.aborted) return;
      yield toVolume(v, users.get(v.Name) ?? [], this.where);
    }
  }

  async listSizes(): Promise<RemoteSize[]> {
    // Containers have no sizes to choose from; limits are set per container.
    return [];
  }

  async listImages(): Promise<RemoteImage[]> {
    const docker = await this.docker();
    return (await this.call(() => docker.listImages())).map(toImage);
  }

  async listLocations(): Promise<RemoteLocation[]> {
    const facts = await this.facts();
    return [{ externalId: this.where, name: facts.name, country: null, extra: { engine: facts.version } }];
  }

  /**
   * start, stop, reboot (restart), destroy (remove, forced), rename. Starting a running or
   * stopping a stopped container is no error.
   */
  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    if (action === 'destroy') return this.removeContainer(externalId, { volumes: false });
    const docker = await this.docker();
    const c = docker.getContainer(externalId);
    const tolerate304 = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 304) return;
        throw err;
      }
    };
    await this.call(async () => {
      switch (action) {
        case 'start':
          return tolerate304(() => c.start());
        case 'stop':
          return tolerate304(() => c.stop());
        case 'reboot':
          return void (await c.restart());
        case 'rename':
          if (!options.name) throw new ProviderError('invalid', 'Give the new name for the container.');
          return void (await c.rename({ name: options.name }));
        default:
          throw new ProviderError('invalid', `Containers cannot ${String(action)}.`);
      }
    });
  }

  async removeContainer(externalId: string, options: { volumes: boolean }): Promise<void> {
    const docker = await this.docker();
    await this.call(async () => {
      await docker.getContainer(externalId).remove({ force: true, v: options.volumes });
    });
  }

  async containerOp(externalId: string, op: ContainerOp): Promise<void> {
    const docker = await this.docker();
    const c = docker.getContainer(externalId);
    await this.call(async () => {
      if (op === 'pause') await c.pause();
      else if (op === 'unpause') await c.unpause();
      else await c.kill();
    });
  }

  /** Pulls an image, reporting each progress line; throws with the registry's words. */
  async pullImage(ref: string, onProgress: (p: PullProgress) => void = () => {}): Promise<void> {
    const docker = await this.docker();
    const stream = await this.call(() => docker.pull(ref) as Promise<NodeJS.ReadableStream>);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) =>
          err ? reject(new ProviderError('invalid', `Pulling ${ref} failed: ${err.message}`)) : resolve(),
        (event: {
          status?: string;
          id?: string;
          progressDetail?: { current?: number; total?: number };
          error?: string;
        }) => {
          onProgress({
            status: event.status ?? event.error ?? '',
            layer: event.id ?? null,
            current: event.progressDetail?.current ?? null,
            total: event.progressDetail?.total ?? null,
          });
        },
      );
    });
  }

  /** Creates (and by default starts) a container, pulling its image first when the engine lacks it. */
  async createContainer(spec: ContainerSpec, onProgress?: (p: PullProgress) => void): Promise<RemoteMachine> {
    const docker = await this.docker();
    const body = containerBody(spec);
    let created: Dockerode.Container;
    try {
      created = await docker.createContainer(body);
    } catch (err) {
      const e = dockerError(err, this.where);
      if (e.kind !== 'not-found' || !/No such image/i.test(e.message)) throw e;
      await this.pullImage(spec.image, onProgress);
      created = await this.call(() => docker.createContainer(body));
    }
    if (spec.start !== false) await this.call(() => created.start());
    const [info] = await this.call(() =>
      docker.listContainers({ all: true, filters: JSON.stringify({ id: [created.id] }) }),
    );
    if (!info)
      throw new ProviderError('not-found', `Container ${created.id} vanished right after it was created.`);
    return toMachine(info, this.where);
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    return this.createContainer({ image: spec.image, name: spec.name, labels: spec.tags });
  }

  // biome-ignore lint/suspicious/noConfusingVoidType: the interface says so.
  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | void> {
    const docker = await this.docker();
    switch (op.op) {
      case 'create': {
        await this.call(() => docker.createVolume({ Name: op.name }));
        return toVolume(
          (await this.call(() => docker.getVolume(op.name).inspect())) as Dockerode.VolumeInspectInfo,
          [],
          this.where,
        );
      }
      case 'delete':
        await this.call(() => docker.getVolume(op.volumeId).remove());
        return;
      default:
        throw new ProviderError(
          'invalid',
          'Docker volumes are attached when a container is created (its volumes field), not afterwards.',
        );
    }
  }

  /**
   * Follows /events until the stream ends or the signal aborts. `onOpen` fires once the engine
   * accepted the subscription (so the caller can fill any gap with a poll). Rejects with a
   * ProviderError when the engine cannot be reached; resolves when the stream ends.
   */
  async watchEvents(
    signal: AbortSignal,
    onEvent: (e: EngineEvent) => void,
    onOpen?: () => void,
  ): Promise<void> {
    // Its own client: the event stream must not inherit a request timeout.
    const docker = new Dockerode(this.options());
    const stream = (await this.call(() =>
      docker.getEvents({
        filters: { type: ['container'] },
        abortSignal: signal,
      } as Dockerode.GetEventsOptions),
    )) as NodeJS.ReadableStream & { destroy(): void };
    onOpen?.();
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      const stop = () => {
        stream.destroy();
        resolve();
      };
      if (signal.aborted) return stop();
      signal.addEventListener('abort', stop, { once: true });
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
          if (!line) continue;
          try {
            const e = JSON.parse(line) as {
              Type?: string;
              Action?: string;
              Actor?: { ID?: string; Attributes?: Record<string, string> };
              timeNano?: number;
            };
            onEvent({
              type: e.Type ?? '',
              action: e.Action ?? '',
              id: e.Actor?.ID ?? '',
              attributes: e.Actor?.Attributes ?? {},
              timeNano: e.timeNano ?? 0,
            });
          } catch {
            // A line that is not JSON is skipped; the next poll corrects anything it carried.
          }
        }
      });
      stream.on('end', () => {
        signal.removeEventListener('abort', stop);
        resolve();
      });
      stream.on('close', () => {
        signal.removeEventListener('abort', stop);
        resolve();
      });
      stream.on('error', (err: Error) => {
        signal.removeEventListener('abort', stop);
        if (signal.aborted) resolve();
        else reject(dockerError(err, this.where));
      });
    });
  }

  /** Opens a TTY shell in a running container through the exec API. */
  async openShell(
    externalId: string,
    size: { cols: number; rows: number },
    command = SHELL_CMD,
  ): Promise<ContainerShell> {
    const docker = await this.docker();
    const exec = await this.call(() =>
      docker.getContainer(externalId).exec({
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Cmd: command,
        Env: ['TERM=xterm-256color'],
        ConsoleSize: [size.rows, size.cols],
      } as Dockerode.ExecCreateOptions),
    );
    const stream = (await this.call(() =>
      exec.start({ hijack: true, stdin: true, Tty: true } as Dockerode.ExecStartOptions),
    )) as Duplex;
    return {
      stream,
      execId: exec.id,
      resize: async (cols, rows) => {
        await this.call(() => exec.resize({ w: cols, h: rows }));
      },
      exitCode: async () => {
        try {
          return (await exec.inspect()).ExitCode ?? null;
        } catch {
          return null;
        }
      },
    };
  }

  /**
   * Runs argv in a running container through the exec API, without a TTY: `stdin` is written
   * and closed, `env` is added to the container's environment, stdout and stderr stay apart.
   */
  async runCommand(
    externalId: string,
    command: string[],
    options: { stdin?: string; env?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
  ): Promise<ContainerProcess> {
    const docker = await this.docker();
    const exec = await this.call(() =>
      docker.getContainer(externalId).exec({
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        Cmd: command,
        Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
      }),
    );
    const stream = (await this.call(() =>
      exec.start({ hijack: true, stdin: true } as Dockerode.ExecStartOptions),
    )) as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    docker.modem.demuxStream(stream, stdout, stderr);
    stream.on('error', () => {});
    // Half-close: the command reads stdin to its end, and its output still comes back.
    stream.end(options.stdin ?? '');
    const exit = new Promise<{ exitCode: number | null; timedOut: boolean }>((resolve) => {
      let timedOut = false;
      let settled = false;
      const giveUp = () => {
        timedOut = true;
        stream.destroy();
      };
      const timer = setTimeout(giveUp, options.timeoutMs);
      options.signal?.addEventListener('abort', giveUp, { once: true });
      const done = async () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', giveUp);
        stdout.end();
        stderr.end();
        resolve({ exitCode: timedOut ? null : await this.execExitCode(exec), timedOut });
      };
      stream.once('end', done);
      stream.once('close', done);
    });
    return { execId: exec.id, stdout, stderr, exit };
  }

  /** The exit code of a finished exec; the engine may take a moment to record it. */
  private async execExitCode(exec: Dockerode.Exec): Promise<number | null> {
    for (let i = 0; i < 20; i++) {
      try {
        const info = await exec.inspect();
        if (!info.Running) return info.ExitCode ?? null;
      } catch {
        return null;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  }
}

function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

const PORT =
  /^(?:(?<ip>\[[0-9a-fA-F:]+\]|\d{1,3}(?:\.\d{1,3}){3}):)?(?:(?<host>\d{1,5}):)?(?<container>\d{1,5})(?:\/(?<proto>tcp|udp|sctp))?$/;

/** The Engine API's create body from the fields a person fills in. */
export function containerBody(spec: ContainerSpec): Dockerode.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const raw of spec.ports ?? []) {
    const m = PORT.exec(raw.trim());
    const g = m?.groups;
    const inRange = (p: string | undefined) => p === undefined || (Number(p) >= 1 && Number(p) <= 65535);
    if (!g || !inRange(g.host) || !inRange(g.container)) {
      throw new ProviderError(
        'invalid',
        `"${raw}" is not a port mapping; write it as 8080:80, 127.0.0.1:8080:80/udp or 80.`,
      );
    }
    const key = `${g.container}/${g.proto ?? 'tcp'}`;
    exposed[key] = {};
    if (g.host) {
      bindings[key] = [
        ...(bindings[key] ?? []),
        { HostIp: (g.ip ?? '').replace(/^\[|\]$/g, ''), HostPort: g.host },
      ];
    }
  }
  const binds: string[] = [];
  const anonymous: Record<string, object> = {};
  for (const raw of spec.volumes ?? []) {
    const v = raw.trim();
    const parts = v.split(':');
    if (parts.length === 1 && v.startsWith('/')) anonymous[v] = {};
    else if (parts.length >= 2 && parts.length <= 3 && parts[0] && parts[1]?.startsWith('/')) binds.push(v);
    else {
      throw new ProviderError(
        'invalid',
        `"${raw}" is not a volume; write it as name:/path, /host/path:/path or /path.`,
      );
    }
  }
  return {
    Image: spec.image,
    name: spec.name || undefined,
    Cmd: spec.command && spec.command.length > 0 ? spec.command : undefined,
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: spec.labels ?? {},
    ExposedPorts: exposed,
    Volumes: anonymous,
    HostConfig: {
      PortBindings: bindings,
      Binds: binds,
      RestartPolicy: { Name: spec.restartPolicy ?? 'no' },
    },
  };
}

export function createDockerDriver(init: DriverInit<DockerCredentials>): DockerDriver & NetworkDriver {
  const driver = new DockerDriver(readConfig(init.config ?? {}, init.credentials ?? {}), init.lookup);
  return withNetworks(driver, driver.networks);
}

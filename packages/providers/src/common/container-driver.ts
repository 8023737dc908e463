import type { Duplex, PassThrough } from 'node:stream';
import type { ProviderDriver, RemoteMachine } from '@overcast/contracts';

// A container host's driver: a ProviderDriver (its containers are the machines) plus what only
// containers do. Providers whose module says `features.containers` build one.

/** What the engine says about itself, for the cloud's page. */
export interface EngineFacts {
  name: string;
  version: string;
  apiVersion: string;
  os: string;
  kernel: string;
  cpus: number;
  memoryBytes: number;
  containers: { total: number; running: number; paused: number; stopped: number };
  images: number;
}

export type ContainerOp = 'pause' | 'unpause' | 'kill';

export interface ContainerSpec {
  image: string;
  name?: string;
  command?: string[];
  env?: Record<string, string>;
  /** "8080:80", "127.0.0.1:8080:80/udp" or "80" (exposed only). */
  ports?: string[];
  /** "name:/path" (named volume), "/host:/path" (bind) or "/path" (anonymous). */
  volumes?: string[];
  restartPolicy?: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  labels?: Record<string, string>;
  /** Start it once created. Default true. */
  start?: boolean;
}

export interface PullProgress {
  status: string;
  layer: string | null;
  current: number | null;
  total: number | null;
}

/** One change the engine reports on /events. */
export interface EngineEvent {
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
  timeNano: number;
}

/** A shell inside a container: a raw TTY stream, resizable. */
export interface ContainerShell {
  stream: Duplex;
  execId: string;
  resize(cols: number, rows: number): Promise<void>;
  /** The exec's exit code once the stream ended (null when it cannot be read). */
  exitCode(): Promise<number | null>;
}

/** A command running in a container without a TTY: its output streams, and how it ended. */
export interface ContainerProcess {
  execId: string;
  stdout: PassThrough;
  stderr: PassThrough;
  /**
   * Once the output has ended. `timedOut`: the command outlived `timeoutMs` (or the signal
   * fired) and Overcast let go of it; the engine has no way to kill an exec, but the command
   * loses its stdin and output.
   */
  exit: Promise<{ exitCode: number | null; timedOut: boolean }>;
}

export interface ContainerDriver extends ProviderDriver {
  /** How the engine is named to people (its address, or the machine it is reached through). */
  readonly label: string;
  /** What the engine says about itself. */
  facts(): Promise<EngineFacts>;
  /** Removes a container, forced; its anonymous volumes too when `volumes`. */
  removeContainer(externalId: string, options: { volumes: boolean }): Promise<void>;
  containerOp(externalId: string, op: ContainerOp): Promise<void>;
  pullImage(ref: string, onProgress?: (p: PullProgress) => void): Promise<void>;
  createContainer(spec: ContainerSpec, onProgress?: (p: PullProgress) => void): Promise<RemoteMachine>;
  watchEvents(signal: AbortSignal, onEvent: (e: EngineEvent) => void, onOpen?: () => void): Promise<void>;
  openShell(
    externalId: string,
    size: { cols: number; rows: number },
    command?: string[],
  ): Promise<ContainerShell>;
  runCommand(
    externalId: string,
    command: string[],
    options: { stdin?: string; env?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
  ): Promise<ContainerProcess>;
  close(): Promise<void>;
}

/** Whether a driver is a container host's (checked where core asks for one). */
export function isContainerDriver(driver: ProviderDriver): driver is ContainerDriver {
  return typeof (driver as Partial<ContainerDriver>).containerOp === 'function';
}

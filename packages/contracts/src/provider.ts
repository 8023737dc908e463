// The one interface every cloud driver implements. Drivers know the provider's SDK
// and wire format, never the database.

import type { LookupFunction } from 'node:net';

/**
 * A provider's kind as stored in `clouds.provider`. Open: the registry in @overcast/providers
 * (`PROVIDER_KINDS`) says which ones this build knows.
 */
export type ProviderKind = string;

/** The unified machine state vocabulary. `missing` is ours (set by sync), never a driver's. */
export const MACHINE_STATES = [
  'pending',
  'running',
  'stopped',
  'rebooting',
  'terminated',
  'error',
  'unknown',
] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

/** The unified volume state vocabulary; each driver maps its provider's word (kept as `rawState`). */
export const VOLUME_STATES = ['available', 'in-use', 'creating', 'deleting', 'error', 'unknown'] as const;
export type VolumeState = (typeof VOLUME_STATES)[number];

/** What every driver does to a machine. */
export const MACHINE_ACTIONS = ['start', 'stop', 'reboot', 'destroy', 'rename'] as const;
export type MachineAction = (typeof MACHINE_ACTIONS)[number];
/** What only containers do, on top of MACHINE_ACTIONS. */
export const CONTAINER_ACTIONS = ['pause', 'unpause'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];
/**
 * What some providers' machines do besides MACHINE_ACTIONS, through the driver's machineAction,
 * offered where the module's `features.extraActions` names them (Azure's deallocate).
 */
export const PROVIDER_ACTIONS = ['deallocate'] as const;
export type ProviderAction = (typeof PROVIDER_ACTIONS)[number];

export interface Money {
  /** Decimal string, never a float: "5.0000". */
  amount: string;
  currency: string;
}

export interface RemoteMachine {
  externalId: string;
  name: string;
  state: MachineState;
  /** The provider's own word for the state ("shutting-down", "off", "TERMINATED"...). */
  rawState: string;
  size: string | null;
  image: string | null;
  location: string | null;
  publicIps: string[];
  privateIps: string[];
  createdAt: Date | null;
  /** Provider tags/labels as key -> value ("" for value-less tags such as DigitalOcean's). */
  tags: Record<string, string>;
  /** Monthly cost when the provider itself says (DigitalOcean). */
  costMonthly?: Money;
  costHourly?: Money;
  /** Provider fields kept as they came, for the raw view. Must be JSON-serializable. */
  extra: Record<string, unknown>;
}

export interface RemoteVolume {
  externalId: string;
  name: string;
  sizeGb: number;
  state: VolumeState;
  /** The provider's own word for the state ('' when it has none, e.g. DigitalOcean). */
  rawState: string;
  location: string | null;
  /** externalIds of the machines it is attached to. */
  attachedTo: string[];
  createdAt: Date | null;
  tags: Record<string, string>;
  costMonthly?: Money;
  extra: Record<string, unknown>;
}

export interface RemoteSize {
  externalId: string;
  name: string;
  cpus: number | null;
  memoryMb: number | null;
  diskGb: number | null;
  priceHourly?: Money;
  priceMonthly?: Money;
  /** Locations (externalIds) where the size is offered; empty when everywhere or unknown. */
  locations: string[];
  extra: Record<string, unknown>;
}

export interface RemoteImage {
  externalId: string;
  name: string;
  os: string | null;
  isPublic: boolean;
  extra: Record<string, unknown>;
}

export interface RemoteLocation {
  externalId: string;
  name: string;
  country: string | null;
  extra: Record<string, unknown>;
}

export interface CreateMachineSpec {
  name: string;
  size: string;
  image: string;
  location: string;
  /** Public key to install the provider's way (EC2 key pair, DO SSH key, GCE metadata). */
  sshKey?: { name: string; publicKey: string };
  tags?: Record<string, string>;
  /** cloud-init / user data, passed as the provider expects it. */
  userData?: string;
}

export type VolumeOperation =
  | { op: 'create'; name: string; sizeGb: number; location: string }
  | { op: 'attach'; volumeId: string; machineId: string }
  | { op: 'detach'; volumeId: string; machineId: string }
  | { op: 'delete'; volumeId: string };

export type ProviderErrorKind = 'auth' | 'not-found' | 'throttled' | 'unavailable' | 'invalid' | 'conflict';

/**
 * Every driver failure surfaces as a ProviderError so the worker decides retry or surface
 * without knowing the provider. `message` carries the provider's own words.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly options: { retryAfterMs?: number; status?: number; code?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs;
  }
}

export interface ProviderDriver {
  readonly provider: ProviderKind;
  /** Throws ProviderError('auth' | 'invalid' ...) with the provider's words when credentials are wrong. */
  validate(): Promise<void>;
  /** Pages through everything; stops early when the signal aborts. */
  listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine>;
  listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume>;
  listSizes(): Promise<RemoteSize[]>;
  listImages(): Promise<RemoteImage[]>;
  listLocations(): Promise<RemoteLocation[]>;
  /** `name` is required for 'rename'; a ProviderAction only where the module's extraActions name it. */
  machineAction(
    externalId: string,
    action: MachineAction | ProviderAction,
    options?: { name?: string },
  ): Promise<void>;
  createMachine(spec: CreateMachineSpec): Promise<RemoteMachine>;
  /** Returns the new volume for 'create'. */
  volumeAction(op: VolumeOperation): Promise<RemoteVolume | void>;
  /**
   * Config the driver learned on first contact and wants kept, such as the fingerprint of a
   * certificate or host key trusted on first use: merged into the cloud's stored config after
   * `validate()`, so later connections hold the peer to it. Empty when nothing was learned.
   */
  learnedConfig?(): Record<string, unknown>;
}

/** What a driver is built from: decrypted credentials, optional endpoint override, non-secret config. */
export interface DriverInit<C = Record<string, unknown>> {
  credentials: C;
  endpoint?: string | null;
  config?: Record<string, unknown>;
  /**
   * Resolves every host name the driver connects to (HTTP clients' agents, SSH): the caller's
   * outbound guard, so a name is checked as it is resolved and the checked address is the one
   * connected to. Absent: the system resolver. A refusal carries the code OUTBOUND_REFUSED.
   */
  lookup?: LookupFunction;
}

/** The code of an outbound guard's refusal: an address policy, not an outage, so never retried. */
export const OUTBOUND_REFUSED = 'outbound_address_refused';

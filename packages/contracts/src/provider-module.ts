// What a provider is, as data: each provider's folder in @overcast/providers exports one
// `ProviderModule` from its `module.ts`. Everything outside that folder (core, api, web, README)
// learns a provider's name, form, features and pricing from here and never compares names.
// The descriptor imports no SDK, so the web app and the registry can load every one of them;
// the driver is loaded lazily through the registry.

import type { TObject } from '@sinclair/typebox';

/** How a field of the add-cloud form is drawn. Set as `ui` in the field's TypeBox options. */
export interface FieldUi {
  /**
   * `list`: an array of strings typed comma-separated, or of objects typed one per line
   * (`lineFormat`); `machine`: one of the SSH hosts Overcast logs in to; `orgKey`: one of the
   * organization's SSH keys; `group`: an object whose fields are drawn inline.
   */
  widget?:
    | 'text'
    | 'secret'
    | 'textarea'
    | 'file'
    | 'number'
    | 'checkbox'
    | 'select'
    | 'list'
    | 'machine'
    | 'orgKey'
    | 'group';
  /** The label above the input; defaults to the field's name. */
  label?: string;
  /** Monospaced input (keys, addresses). */
  mono?: boolean;
  /**
   * For a `list` of objects: how one line reads, e.g. `{username}@{address}[:{port}] [{name}]`:
   * `{field}` is a field, `[...]` an optional part.
   */
  lineFormat?: string;
  placeholder?: string;
  /** Shown under the field. Defaults to the schema's `description`. */
  help?: string;
  /** Lower comes first; fields without one keep schema order after those with one. */
  order?: number;
  /** Hidden behind "More options". */
  advanced?: boolean;
}

/** What a provider can do. A feature it lacks is not offered anywhere (routes, UI, CLI). */
export interface ProviderFeatures {
  /** Machines are created from the wizard (size, image, location). */
  create: boolean;
  /** Machines change size in place (`ResizeDriver`); the machine must be stopped first. */
  resize: boolean;
  /** Machines have snapshots that can be listed and taken, and deleted where the driver can (`SnapshotDriver`). */
  snapshots: boolean;
  /** A machine can be copied into a new one (`CloneDriver`). */
  clone: boolean;
  volumes: boolean;
  /** Networks are listed, made and deleted (`NetworkDriver`). */
  networks: boolean;
  /**
   * Networks are listed with their machines but neither made nor deleted through Overcast
   * (vCenter's portgroups: its API makes none); default false.
   */
  readOnlyNetworks?: boolean;
  /** Networks hold subnets Overcast makes and deletes (`NetworkDriver.createSubnet`); DigitalOcean's VPCs have none. */
  subnets: boolean;
  /** Firewalls (security groups, firewall rules) are listed and their rules changed (`FirewallDriver`); libvirt and Docker networks have none. */
  firewalls: boolean;
  /**
   * Firewalls are also made for chosen machines and deleted through Overcast
   * (`FirewallDriver.createFirewall`/`deleteFirewall`: KubeVirt's NetworkPolicies); elsewhere they
   * come with the provider's networks or machines and only their rules change here.
   */
  firewallsMade: boolean;
  /**
   * DNS zones and records (`DnsDriver`); 'catalog' where a cloud has them only when its service
   * catalog names a DNS service (OpenStack's Designate), which the driver's `offersDns` says.
   */
  dns: boolean | 'catalog';
  /**
   * A console beside SSH: a graphical one (VNC/SPICE, in the browser), a serial one, or a ticket
   * the provider's own console application opens (vSphere's VMware Remote Console).
   */
  console: 'none' | 'graphical' | 'serial' | 'ticket';
  /** It is a container host: machines are containers, made from the "New container" dialog. */
  containers: boolean;
  /** How a shell is opened: over SSH to the machine's address, by exec into a container, or not at all. */
  shell: 'ssh' | 'exec' | 'none';
  /** Machine actions beyond start, stop, reboot, destroy and rename (e.g. 'pause', 'unpause', 'suspend'). */
  extraActions: readonly string[];
  /** False when a machine's name is fixed at creation (a Kubernetes object's); default true. */
  rename?: boolean;
}

export interface ProviderModule {
  /** Stored in `clouds.provider`; lowercase, `[a-z0-9_]+`. */
  readonly kind: string;
  readonly label: string;
  /** Two or three letters for the icon, and its colours. */
  readonly mark: string;
  readonly background: string;
  readonly foreground: string;
  /** The secret part, sealed at rest and never returned. Fields carry `ui` hints. */
  readonly credentials: TObject;
  /** The visible, non-secret part. */
  readonly config: TObject;
  /** Whether the API address may be overridden (compatible clouds, proxies, emulators), with an example. */
  readonly endpoint: { overridable: boolean; placeholder?: string };
  readonly features: ProviderFeatures;
  /** Where prices come from: the provider's API, a table shipped with Overcast, or nowhere. */
  readonly pricing: 'provider' | 'table' | 'none';
  /** A link to the provider's own guide for making the credentials. */
  readonly docs?: string;
  /**
   * Checks beyond the schemas (one of two fields required, JSON that must parse). Returns the
   * message of a 400 naming the field, or nothing when the input is good.
   */
  check?(credentials: Record<string, unknown>, config: Record<string, unknown>): string | undefined;
  /** Shapes credentials as the driver takes them (e.g. a pasted key file parsed to an object). */
  normalize?(credentials: Record<string, unknown>): Record<string, unknown>;
  /** Addresses the credentials themselves name (a key's token URL), for the outbound guard. */
  credentialDestinations?(credentials: Record<string, unknown>): string[];
  /** Steps for finding the credentials, shown above the add-cloud form. */
  readonly help?: readonly string[];
  /** A placeholder for the cloud's title in the add-cloud form. */
  readonly titlePlaceholder?: string;
  /**
   * Its machines are the hosts its config lists: each is reached at the address and port it was
   * added with and logged in to with the cloud's own credentials.
   */
  readonly machinesFromConfig?: boolean;
  /** Whether the cloud itself logs in over SSH with these settings (so it may use an organization key). */
  logsInOverSsh?(config: Record<string, unknown>): boolean;
  /** A location's pricing region (a zone's region), when the two differ. */
  regionOf?(location: string): string;
  /**
   * A resize never leaves a machine less disk than it has, so only sizes with at least the current
   * size's disk are offered (Linode refuses a plan smaller than the allocated disk). Default false.
   */
  readonly resizeNeverShrinksDisk?: boolean;
  /** False when a stopped machine bills no compute (only its disks). Default true. */
  readonly billsStoppedMachines?: boolean;
  /**
   * Its own words (a machine's rawState) for a stopped machine whose compute is released and not
   * billed, where a plain stop still bills (Azure's deallocated).
   */
  readonly unbilledStates?: readonly string[];
  /** Its errors carry codes of their own (in the error catalogue) that the API keeps. */
  readonly ownErrorCodes?: boolean;
  /** How errors name it ("The Docker engine"); defaults to `label`. */
  readonly errorName?: string;
}

/**
 * A `ProviderModule` as the API serves it (`GET /api/v1/providers`): the form's schemas as JSON
 * Schema with their `ui` hints, without the functions.
 */
export type ProviderDescriptor = Pick<
  ProviderModule,
  | 'kind'
  | 'label'
  | 'mark'
  | 'background'
  | 'foreground'
  | 'endpoint'
  | 'features'
  | 'pricing'
  | 'docs'
  | 'help'
  | 'titlePlaceholder'
  | 'machinesFromConfig'
  | 'unbilledStates'
> & { credentials: Record<string, unknown>; config: Record<string, unknown> };

// One definition of what a provider has when its module says nothing more: machines reached
// over SSH, listed and acted on, and nothing beyond. Each module states only what it adds.
const NO_EXTRA_FEATURES: ProviderFeatures = {
  create: false,
  resize: false,
  snapshots: false,
  clone: false,
  volumes: false,
  networks: false,
  subnets: false,
  firewalls: false,
  firewallsMade: false,
  dns: false,
  console: 'none',
  containers: false,
  shell: 'ssh',
  extraActions: [],
};

/** The defaults with a module's own features laid over them. */
export function features(own: Partial<ProviderFeatures>): ProviderFeatures {
  return { ...NO_EXTRA_FEATURES, ...own };
}

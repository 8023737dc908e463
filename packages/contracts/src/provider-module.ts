// What a provider is, as data: each provider's folder in @overcast/providers exports one
// `ProviderModule` from its `module.ts`. Everything outside that folder (core, api, web, README)
// learns a provider's name, form, features and pricing from here and never compares names.
// The descriptor imports no SDK, so the web app and the registry can load every one of them;
// the driver is loaded lazily through the registry.

import type { TObject } from '@sinclair/typebox';

/** How a field of the add-cloud form is drawn. Set as `ui` in the field's TypeBox options. */
export interface FieldUi {
  widget?: 'text' | 'secret' | 'textarea' | 'file' | 'number' | 'checkbox' | 'select' | 'list';
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
  resize: boolean;
  snapshots: boolean;
  volumes: boolean;
  networks: boolean;
  dns: boolean;
  /** A console beside SSH: a graphical one (VNC/SPICE) or a serial one. */
  console: 'none' | 'graphical' | 'serial';
  /** It is a container host: machines are containers, made from the "New container" dialog. */
  containers: boolean;
  /** How a shell is opened: over SSH to the machine's address, by exec into a container, or not at all. */
  shell: 'ssh' | 'exec' | 'none';
  /** Machine actions beyond start, stop, reboot, destroy and rename (e.g. 'pause', 'unpause', 'suspend'). */
  extraActions: readonly string[];
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
}

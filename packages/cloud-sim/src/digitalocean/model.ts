import type { DoImage } from './catalog';

export type DropletStatus = 'new' | 'active' | 'off' | 'archive';

/** A droplet as the emulator keeps it; rendered into the v2 JSON shape on the way out. */
export interface SimDroplet {
  id: number;
  name: string;
  status: DropletStatus;
  sizeSlug: string;
  image: DoImage;
  regionSlug: string;
  /** ISO 8601 without milliseconds, as DigitalOcean writes it. */
  createdAt: string;
  tags: string[];
  publicIpv4: string;
  privateIpv4: string;
  publicIpv6: string | null;
  volumeIds: string[];
  sshKeyIds: number[];
  userData: string | null;
  vpcUuid: string;
  /** The disk when a resize grew it beyond the size's own (unset: the size's disk). */
  diskGb?: number;
  /** A guest that ignores ACPI: graceful `shutdown` actions end `errored`. */
  ignoresShutdown: boolean;
}

export interface SimVolume {
  id: string;
  name: string;
  sizeGigabytes: number;
  regionSlug: string;
  dropletIds: number[];
  description: string;
  createdAt: string;
  tags: string[];
  filesystemType: string;
}

export interface SimSshKey {
  id: number;
  name: string;
  publicKey: string;
  fingerprint: string;
}

export type ActionStatus = 'in-progress' | 'completed' | 'errored';

export interface SimAction {
  id: number;
  type: string;
  status: ActionStatus;
  startedAt: string;
  completedAt: string | null;
  resourceId: number | null;
  resourceType: 'droplet' | 'backend';
  regionSlug: string;
  /** Epoch ms at which the action settles. */
  dueAt: number;
  /** Applied when the action settles; returns false when the action errors instead. */
  effect?: () => boolean;
}

export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// Disk snapshots (global/snapshots): taken from a zonal disk by disks.createSnapshot (a zonal
// operation), then listed, read and deleted project-wide (global operations), as Compute Engine does.

import { alreadyExists, badRequest, invalidField, notFound, notReady } from './errors';
import type { IdSource } from './ids';
import { links, resourcePath } from './links';
import { gceTime, labelFingerprint, type SimDisk } from './model';
import { isObject, readLabels, requireName } from './validate';

export interface SimSnapshot {
  id: string;
  name: string;
  description: string;
  labels: Readonly<Record<string, string>>;
  diskSizeGb: number;
  /** Zone and name of the disk it was taken from, and that disk's id. */
  sourceZone: string;
  sourceDisk: string;
  sourceDiskId: string;
  /** The disk's licenses, which a disk made from the snapshot inherits (its image it does not). */
  licenses: readonly string[];
  creationTimestamp: string;
  /** Epoch ms when CREATING turns READY. */
  readyAt: number;
}

const DESCRIPTION_MAX = 2048;

/** The project's snapshots; one stays CREATING for the project's `operationMs`. */
export class GceSnapshots {
  readonly byName = new Map<string, SimSnapshot>();

  constructor(
    private readonly project: string,
    private readonly ids: IdSource,
    // The project's timing, read live so a test can lengthen it.
    private readonly timing: { operationMs: number },
  ) {}

  path = (name: string) => `projects/${this.project}/global/snapshots/${name}`;

  get(name: string): SimSnapshot {
    const snapshot = this.byName.get(name);
    if (!snapshot) throw notFound(this.path(name));
    return snapshot;
  }

  /**
   * The snapshot a disk is to be made from (`sourceSnapshot`: a full or partial link, or a bare
   * name); Compute Engine refuses one of another project, an unknown one and one still CREATING.
   */
  source(ref: unknown): SimSnapshot {
    const path = resourcePath(ref) ?? '';
    const m = /^(?:(?:projects\/([^/]+)\/)?global\/snapshots\/)?([^/]+)$/.exec(path);
    if (!m) throw invalidField('resource.sourceSnapshot', `'${path.slice(0, 200)}'. Must be a snapshot URL.`);
    if (m[1] !== undefined && m[1] !== this.project)
      throw notFound(`projects/${m[1]}/global/snapshots/${m[2]}`);
    const snapshot = this.get(m[2]!);
    if (!this.ready(snapshot)) throw notReady(this.path(snapshot.name));
    return snapshot;
  }

  ready = (s: SimSnapshot) => Date.now() >= s.readyAt;

  /** By name, narrowed by a list `filter`; only `labels.KEY = "VALUE"` is understood. */
  list(filter: string | null): SimSnapshot[] {
    const all = [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (filter === null || filter.trim() === '') return all;
    const m = /^\s*labels\.([a-z][a-z0-9_-]{0,62})\s*=\s*(?:"([^"]*)"|([a-z0-9_-]*))\s*$/.exec(filter);
    if (!m) throw invalidField('filter', `'${filter.slice(0, 200)}'. Invalid list filter expression.`);
    const value = m[2] ?? m[3] ?? '';
    return all.filter((s) => s.labels[m[1]!] === value);
  }

  /** Validates the request body and records the snapshot of `disk`; nothing is kept when it throws. */
  take(disk: SimDisk, diskPath: string, body: unknown): SimSnapshot {
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    const name = requireName(body.name, 'resource.name');
    if (this.byName.has(name)) throw alreadyExists(this.path(name));
    const description = typeof body.description === 'string' ? body.description : '';
    if (description.length > DESCRIPTION_MAX) {
      throw badRequest(
        'invalid',
        `Invalid value for field 'resource.description': '${description.slice(0, 32)}…'. Must be at most ${DESCRIPTION_MAX} characters.`,
      );
    }
    const labels = readLabels(body.labels, 'resource.labels');
    if (disk.status !== 'READY') throw notReady(diskPath);
    const now = Date.now();
    const snapshot: SimSnapshot = {
      id: this.ids.next(),
      name,
      description,
      labels,
      diskSizeGb: disk.sizeGb,
      sourceZone: disk.zone,
      sourceDisk: disk.name,
      sourceDiskId: disk.id,
      licenses: disk.licenses,
      creationTimestamp: gceTime(now),
      readyAt: now + this.timing.operationMs,
    };
    this.byName.set(name, snapshot);
    return snapshot;
  }

  remove(name: string): SimSnapshot {
    const snapshot = this.get(name);
    this.byName.delete(name);
    return snapshot;
  }

  json(s: SimSnapshot) {
    return {
      kind: 'compute#snapshot',
      id: s.id,
      creationTimestamp: s.creationTimestamp,
      name: s.name,
      description: s.description,
      status: this.ready(s) ? 'READY' : 'CREATING',
      diskSizeGb: String(s.diskSizeGb),
      storageBytes: '0',
      sourceDisk: links.disk(this.project, s.sourceZone, s.sourceDisk),
      sourceDiskId: s.sourceDiskId,
      ...(s.licenses.length > 0 ? { licenses: s.licenses } : {}),
      selfLink: links.snapshot(this.project, s.name),
      ...(Object.keys(s.labels).length > 0 ? { labels: s.labels } : {}),
      labelFingerprint: labelFingerprint(s.labels),
      storageLocations: [s.sourceZone.replace(/-[a-z]$/, '')],
      architecture: 'X86_64',
    };
  }
}

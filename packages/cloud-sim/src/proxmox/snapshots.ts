// Snapshots of an emulated guest, as qemu-server and pve-container keep them: each write is a
// task holding the guest's lock; a snapshot keeps the config it was taken with; a rollback
// stops a running guest and leaves it stopped unless the snapshot holds RAM or `start` is
// asked for; `current` is the pseudo-entry of the running state, never a snapshot.

import { type PveCluster, PveError, paramError, type SimGuest, type SimSnapshot } from './cluster';

/** pve-snapshot-name: a configid (a letter, then letters, digits, _ and -), at most 40. */
const SNAPNAME = /^[a-z][a-z0-9_-]+$/i;
const RESERVED = new Set(['current', 'vzdump']);

const kind = (g: SimGuest) => (g.type === 'qemu' ? 'qm' : 'vz');

function find(g: SimGuest, name: string): SimSnapshot {
  const snap = g.snapshots.find((s) => s.name === name);
  if (!snap) throw new PveError(500, `snapshot '${name}' does not exist`);
  return snap;
}

/** `GET …/snapshot`: every snapshot, then `current` with its parent. */
export function listSnapshots(g: SimGuest) {
  return [
    ...g.snapshots.map((s) => ({
      name: s.name,
      description: s.description,
      snaptime: s.snaptime,
      ...(s.parent ? { parent: s.parent } : {}),
      ...(s.vmstate ? { vmstate: 1 } : {}),
    })),
    {
      name: 'current',
      description: 'You are here!',
      running: g.status === 'running' ? 1 : 0,
      digest: 'a3f1c2d4e5b6a7980112233445566778899aabbc',
      ...(g.parent ? { parent: g.parent } : {}),
    },
  ];
}

/** `POST …/snapshot`: the entry is there at once, locked, and done when its task ends. */
export function createSnapshot(
  c: PveCluster,
  g: SimGuest,
  params: Record<string, string>,
  user: string,
): string {
  const name = params.snapname;
  const errors: Record<string, string> = {};
  if (name === undefined) errors.snapname = 'property is missing and it is not optional';
  else if (name.length > 40) errors.snapname = 'value may only be 40 characters long';
  else if (!SNAPNAME.test(name)) errors.snapname = `invalid format - invalid configuration ID '${name}'`;
  if (params.vmstate !== undefined && g.type === 'lxc')
    errors.vmstate = 'property is not defined in schema and the schema does not allow additional properties';
  if (Object.keys(errors).length > 0) throw paramError(errors);
  if (RESERVED.has(name!)) throw new PveError(500, `unable to use snapshot name '${name}' (reserved name)`);
  c.checkLock(g);
  if (g.snapshots.some((s) => s.name === name))
    throw new PveError(500, `snapshot name '${name}' already used`);
  const snap: SimSnapshot = {
    name: name!,
    description: params.description ?? '',
    snaptime: Math.floor(Date.now() / 1000),
    // RAM is saved only of a running VM.
    vmstate: params.vmstate === '1' && g.status === 'running',
    parent: g.parent,
    config: { ...g.config },
  };
  g.snapshots.push(snap);
  g.lock = 'snapshot';
  return c.task(g.node, `${kind(g)}snapshot`, String(g.vmid), user, c.timing.actionDelayMs, () => {
    g.lock = null;
    g.parent = snap.name;
  });
}

/** `POST …/snapshot/{name}/rollback`: the guest's config back as it was, the snapshot its parent. */
export function rollback(
  c: PveCluster,
  g: SimGuest,
  name: string,
  params: Record<string, string>,
  user: string,
): string {
  if (params.start !== undefined && !/^[01]$/.test(params.start))
    throw paramError({ start: `type check ('boolean') failed - got '${params.start}'` });
  const snap = find(g, name);
  c.checkLock(g);
  g.lock = 'rollback';
  return c.task(g.node, `${kind(g)}rollback`, String(g.vmid), user, c.timing.actionDelayMs, () => {
    g.lock = null;
    if (g.status === 'running') c.halted(g);
    g.config = { ...snap.config };
    g.pending = {};
    g.parent = snap.name;
    if (snap.vmstate || params.start === '1') {
      g.status = 'running';
      g.startedAt = Date.now();
    }
  });
}

/** `DELETE …/snapshot/{name}`: its children take its parent. */
export function deleteSnapshot(c: PveCluster, g: SimGuest, name: string, user: string): string {
  const snap = find(g, name);
  c.checkLock(g);
  g.lock = 'snapshot-delete';
  return c.task(g.node, `${kind(g)}delsnapshot`, String(g.vmid), user, c.timing.actionDelayMs, () => {
    g.lock = null;
    for (const s of g.snapshots) if (s.parent === name) s.parent = snap.parent;
    if (g.parent === name) g.parent = snap.parent;
    g.snapshots = g.snapshots.filter((s) => s !== snap);
  });
}

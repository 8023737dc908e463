import type { RemoteSnapshot } from '@overcast/contracts';
import { parseXml, textOf } from './xml';

/** A snapshot as `virsh snapshot-dumpxml` describes it; libvirt names are its ids. */
export function parseSnapshot(xml: string): RemoteSnapshot {
  const snap = parseXml(xml);
  if (snap.name !== 'domainsnapshot') throw new Error(`expected <domainsnapshot>, got <${snap.name}>`);
  const name = textOf(snap, 'name') ?? '';
  const seconds = Number(textOf(snap, 'creationTime'));
  return {
    externalId: name,
    name,
    // libvirt returns from snapshot-create only once the snapshot is whole.
    state: 'available',
    createdAt: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null,
    sizeGb: null,
  };
}

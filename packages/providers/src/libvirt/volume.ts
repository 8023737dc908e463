import { first, parseXml, textOf } from './xml';

export interface VolumeFacts {
  pool: string;
  name: string;
  /** libvirt's stable identifier; the path for file-based pools. */
  key: string;
  path: string;
  /** file, block, dir, network... */
  type: string;
  format: string | null;
  capacityBytes: number;
  allocationBytes: number;
  /** The volume's backing file, when it is an overlay. */
  backing: string | null;
}

const bytes = (el: ReturnType<typeof first>) => {
  if (!el) return 0;
  const n = Number(el.text.trim());
  const unit = (el.attrs.unit ?? 'bytes').toLowerCase();
  const scale: Record<string, number> = {
    bytes: 1,
    b: 1,
    k: 1024,
    kib: 1024,
    m: 1024 ** 2,
    mib: 1024 ** 2,
    g: 1024 ** 3,
    gib: 1024 ** 3,
  };
  return Number.isFinite(n) ? n * (scale[unit] ?? 1) : 0;
};

/** Reads `virsh vol-dumpxml`. */
export function parseVolume(xml: string, pool: string): VolumeFacts {
  const vol = parseXml(xml);
  if (vol.name !== 'volume') throw new Error(`expected <volume>, got <${vol.name}>`);
  const path = textOf(vol, 'target/path') ?? '';
  return {
    pool,
    name: textOf(vol, 'name') ?? '',
    key: textOf(vol, 'key') || path,
    path,
    type: vol.attrs.type ?? 'file',
    format: first(vol, 'target/format')?.attrs.type ?? null,
    capacityBytes: bytes(first(vol, 'capacity')),
    allocationBytes: bytes(first(vol, 'allocation')),
    backing: textOf(vol, 'backingStore/path') ?? null,
  };
}

/** Pools whose volumes are images rather than disks in use, by their names. */
export const IMAGE_POOL = /image|template|iso|cloud|base/i;
/** Volume names that look like installable or bootable images. */
export const IMAGE_FILE = /\.(iso|qcow2|img|raw|vmdk|vdi)$/i;

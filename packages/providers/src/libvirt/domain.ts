import { all, first, parseXml, textOf, type XmlElement } from './xml';

/** Our namespace inside libvirt's <metadata>: tags and what Overcast created for the domain. */
export const OVERCAST_NS = 'https://overcast.dev/xmlns/libvirt/1';

export interface DomainDisk {
  /** disk, cdrom, floppy, lun */
  device: string;
  /** vda, sdb... */
  target: string;
  bus: string | null;
  /** File path, block device, or "pool/volume" for volume disks; null for an empty drive. */
  source: string | null;
  format: string | null;
  /** Backing chain paths, nearest first (a base image is usually last). */
  backing: string[];
}

export interface DomainInterface {
  mac: string | null;
  /** network, bridge, direct, user */
  type: string;
  /** Network or bridge name. */
  source: string | null;
  model: string | null;
  /** Host-side device (vnet0) while running. */
  device: string | null;
}

export interface DomainFacts {
  uuid: string;
  name: string;
  title: string | null;
  description: string | null;
  /** kvm, qemu, test, xen... */
  hypervisor: string;
  arch: string | null;
  vcpus: number;
  maxVcpus: number;
  /** Memory the guest has now (currentMemory), MiB. */
  memoryMb: number;
  /** Configured maximum, MiB. */
  maxMemoryMb: number;
  disks: DomainDisk[];
  interfaces: DomainInterface[];
  tags: Record<string, string>;
  /** The boot volume Overcast created for this domain, deleted with it. */
  bootVolume: string | null;
  /** The image Overcast made the domain from. */
  image: string | null;
  hasNvram: boolean;
}

const UNIT_TO_KIB: Record<string, number> = {
  b: 1 / 1024,
  bytes: 1 / 1024,
  k: 1,
  kib: 1,
  kb: 1000 / 1024,
  m: 1024,
  mib: 1024,
  mb: 1000 ** 2 / 1024,
  g: 1024 ** 2,
  gib: 1024 ** 2,
  gb: 1000 ** 3 / 1024,
  t: 1024 ** 3,
  tib: 1024 ** 3,
  tb: 1000 ** 4 / 1024,
};

/** A libvirt <memory unit='KiB'>n</memory> style element in MiB (KiB when no unit, as libvirt defaults). */
export function memoryMiB(el: XmlElement | undefined): number {
  if (!el) return 0;
  const value = Number(el.text.trim());
  const factor = UNIT_TO_KIB[(el.attrs.unit ?? 'KiB').toLowerCase()] ?? 1;
  return Number.isFinite(value) ? Math.round((value * factor) / 1024) : 0;
}

function diskSource(disk: XmlElement): string | null {
  const source = first(disk, 'source');
  if (!source) return null;
  const a = source.attrs;
  if (a.file) return a.file;
  if (a.dev) return a.dev;
  if (a.pool && a.volume) return `${a.pool}/${a.volume}`;
  if (a.name) return a.protocol ? `${a.protocol}://${a.name}` : a.name;
  return null;
}

function backingChain(disk: XmlElement): string[] {
  const chain: string[] = [];
  let store = first(disk, 'backingStore');
  while (store) {
    const path =
      first(store, 'source')?.attrs.file ?? first(store, 'source')?.attrs.dev ?? textOf(store, 'path');
    if (path) chain.push(path);
    store = first(store, 'backingStore');
  }
  return chain;
}

const int = (s: string | undefined, fallback: number) => {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) ? n : fallback;
};

/** Reads what Overcast needs from `virsh dumpxml`. */
export function parseDomain(xml: string): DomainFacts {
  const dom = parseXml(xml);
  if (dom.name !== 'domain') throw new Error(`expected <domain>, got <${dom.name}>`);
  const vcpu = first(dom, 'vcpu');
  const maxVcpus = int(vcpu?.text.trim(), 1);
  const meta =
    all(dom, 'metadata/machine').find((m) => Object.values(m.attrs).includes(OVERCAST_NS)) ?? undefined;
  const tags: Record<string, string> = {};
  for (const tag of all(meta, 'tag')) if (tag.attrs.key) tags[tag.attrs.key] = tag.text;
  const maxMemoryMb = memoryMiB(first(dom, 'memory'));
  return {
    uuid: textOf(dom, 'uuid') ?? '',
    name: textOf(dom, 'name') ?? '',
    title: textOf(dom, 'title') ?? null,
    description: textOf(dom, 'description') ?? null,
    hypervisor: dom.attrs.type ?? 'unknown',
    arch: first(dom, 'os/type')?.attrs.arch ?? null,
    vcpus: int(vcpu?.attrs.current, maxVcpus),
    maxVcpus,
    memoryMb: memoryMiB(first(dom, 'currentMemory')) || maxMemoryMb,
    maxMemoryMb,
    disks: all(dom, 'devices/disk').map((d) => ({
      device: d.attrs.device ?? 'disk',
      target: first(d, 'target')?.attrs.dev ?? '',
      bus: first(d, 'target')?.attrs.bus ?? null,
      source: diskSource(d),
      format: first(d, 'driver')?.attrs.type ?? null,
      backing: backingChain(d),
    })),
    interfaces: all(dom, 'devices/interface').map((i) => {
      const src = first(i, 'source')?.attrs ?? {};
      return {
        mac: first(i, 'mac')?.attrs.address ?? null,
        type: i.attrs.type ?? 'unknown',
        source: src.network ?? src.bridge ?? src.dev ?? null,
        model: first(i, 'model')?.attrs.type ?? null,
        device: first(i, 'target')?.attrs.dev ?? null,
      };
    }),
    tags,
    bootVolume: textOf(meta, 'boot-volume') || null,
    image: textOf(meta, 'image') || null,
    hasNvram: first(dom, 'os/nvram') !== undefined,
  };
}

import { ProviderError } from '@overcast/contracts';
import { all, first, parseXml, toXml, type XmlElement } from './xml';

// A clone is the source domain's stored definition under a new name, with copies of its own
// disks. libvirt gives the new domain its uuid and its NICs new MAC addresses when those are
// left out, so they are removed rather than made up here.

/** A writable disk of the domain: the clone gets its own copy. */
export interface DiskToCopy {
  target: string;
  /** The file or block device the disk is now. */
  source: string;
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** Installer ISOs and disks marked shared or read-only stay shared; every other disk is copied. */
function copied(disk: XmlElement): boolean {
  return (
    (disk.attrs.device ?? 'disk') === 'disk' &&
    !disk.children.some((c) => c.name === 'readonly' || c.name === 'shareable')
  );
}

const sourceOf = (disk: XmlElement) => {
  const source = first(disk, 'source');
  return source?.attrs.file ?? source?.attrs.dev ?? null;
};

/** The disks of a domain definition that a clone needs copies of. */
export function disksToCopy(domainXml: string): DiskToCopy[] {
  return all(parseXml(domainXml), 'devices/disk')
    .filter(copied)
    .map((disk) => {
      const target = first(disk, 'target')?.attrs.dev ?? '';
      const source = sourceOf(disk);
      if (!source) {
        throw new ProviderError(
          'invalid',
          `Disk ${target} is not a file or device of this host (a network or pool disk), so Overcast cannot copy it; clone the machine with virt-clone on the host.`,
        );
      }
      return { target, source };
    });
}

/** The definition of the clone: new name, no uuid or MACs, each copied disk at its new path. */
export function cloneDefinition(domainXml: string, name: string, newPaths: Map<string, string>): string {
  const dom = parseXml(domainXml);
  dom.children = dom.children.filter((c) => c.name !== 'uuid');
  const nameEl = first(dom, 'name');
  if (nameEl) nameEl.text = name;
  const renamed = new Map<string, string>();
  for (const disk of all(dom, 'devices/disk')) {
    const target = first(disk, 'target')?.attrs.dev ?? '';
    const path = newPaths.get(target);
    const source = first(disk, 'source');
    if (!path || !source) continue;
    const key = source.attrs.file !== undefined ? 'file' : 'dev';
    renamed.set(source.attrs[key] ?? '', path);
    source.attrs[key] = path;
  }
  for (const nic of all(dom, 'devices/interface')) {
    nic.children = nic.children.filter((c) => c.name !== 'mac' && c.name !== 'target');
  }
  // Overcast's note of the boot volume follows the copy, so deleting the clone deletes its own.
  for (const machine of all(dom, 'metadata/machine')) {
    for (const el of machine.children.filter((c) => local(c.name) === 'boot-volume')) {
      el.text = renamed.get(el.text.trim()) ?? el.text;
    }
  }
  return `${toXml(dom)}\n`;
}

/** The copy's volume name: the clone's name, the disk's target after the first, the source's extension. */
export function copyName(name: string, index: number, disk: DiskToCopy): string {
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(disk.source)?.[0] ?? '';
  return `${name}${index === 0 ? '' : `-${disk.target}`}${ext}`;
}

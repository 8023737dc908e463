import { ProviderError } from '@overcast/contracts';
import { OVERCAST_NS } from './domain';
import { all, escapeXml as esc, first, parseXml, textOf } from './xml';

/** What the hypervisor can run: the host's architecture and the best domain type for it. */
export interface GuestTarget {
  arch: string;
  /** kvm when available, then qemu, then whatever the driver offers (test, xen...). */
  domainType: string;
}

const PREFERENCE = ['kvm', 'qemu', 'test'];

export function guestTarget(capabilitiesXml: string): GuestTarget {
  const caps = parseXml(capabilitiesXml);
  const hostArch = textOf(caps, 'host/cpu/arch') ?? null;
  const guests = all(caps, 'guest').filter((g) => textOf(g, 'os_type') === 'hvm');
  const guest = guests.find((g) => first(g, 'arch')?.attrs.name === hostArch) ?? guests[0];
  const arch = first(guest, 'arch');
  if (!guest || !arch?.attrs.name) {
    throw new ProviderError('invalid', 'This hypervisor offers no hardware-virtualized (hvm) guests.');
  }
  const types = all(arch, 'domain')
    .map((d) => d.attrs.type)
    .filter((t): t is string => Boolean(t));
  const domainType = PREFERENCE.find((p) => types.includes(p)) ?? types[0];
  if (!domainType)
    throw new ProviderError('invalid', `No domain type is available for ${arch.attrs.name} guests.`);
  return { arch: arch.attrs.name, domainType };
}

/** "2x2048", "2 vCPU / 2048 MiB" or "2 vCPU / 2 GiB". */
export function parseSize(size: string): { vcpus: number; memoryMb: number } {
  const compact = /^(\d+)x(\d+)$/.exec(size.trim());
  const label = /^(\d+)\s*vCPU\s*\/\s*(\d+(?:\.\d+)?)\s*(MiB|GiB)$/i.exec(size.trim());
  const vcpus = Number(compact?.[1] ?? label?.[1]);
  const memoryMb = compact
    ? Number(compact[2])
    : label
      ? Math.round(Number(label[2]) * (label[3]?.toLowerCase() === 'gib' ? 1024 : 1))
      : Number.NaN;
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > 1024 || !Number.isInteger(memoryMb) || memoryMb < 64) {
    throw new ProviderError(
      'invalid',
      `'${size}' is not a libvirt size; use one from the size list, e.g. 2x2048.`,
    );
  }
  return { vcpus, memoryMb };
}

/** Names libvirt, file systems and shells all take without surprises. */
export function checkName(name: string, what: 'machine' | 'network' = 'machine'): string {
  const trimmed = name.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(trimmed)) {
    throw new ProviderError(
      'invalid',
      `'${name}' is not a usable ${what} name: use 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit.`,
    );
  }
  return trimmed;
}

export interface DomainSpec {
  name: string;
  vcpus: number;
  memoryMb: number;
  target: GuestTarget;
  /** The boot disk. */
  disk: { path: string; format: string | null; block: boolean };
  /** An installer ISO to boot from first. */
  cdrom: string | null;
  network: string | null;
  /** The image volume the machine was made from, remembered in our metadata. */
  image: string | null;
  tags: Record<string, string>;
}

/** A small, ordinary domain: virtio disk and NIC, ACPI (so shutdown works), serial console, VNC on localhost. */
export function domainXml(spec: DomainSpec): string {
  const kvm = spec.target.domainType === 'kvm';
  const tags = Object.entries(spec.tags)
    .map(([k, v]) => `      <overcast:tag key="${esc(k)}">${esc(v)}</overcast:tag>`)
    .join('\n');
  const disk = spec.disk.block
    ? `<disk type='block' device='disk'>
      <driver name='qemu' type='raw'/>
      <source dev='${esc(spec.disk.path)}'/>`
    : `<disk type='file' device='disk'>
      <driver name='qemu' type='${esc(spec.disk.format ?? 'qcow2')}'/>
      <source file='${esc(spec.disk.path)}'/>`;
  return `<domain type='${esc(spec.target.domainType)}'>
  <name>${esc(spec.name)}</name>
  <metadata>
    <overcast:machine xmlns:overcast="${OVERCAST_NS}">
      <overcast:boot-volume>${esc(spec.disk.path)}</overcast:boot-volume>
${spec.image ? `      <overcast:image>${esc(spec.image)}</overcast:image>\n` : ''}${tags}
    </overcast:machine>
  </metadata>
  <memory unit='MiB'>${spec.memoryMb}</memory>
  <currentMemory unit='MiB'>${spec.memoryMb}</currentMemory>
  <vcpu placement='static'>${spec.vcpus}</vcpu>
  <os>
    <type arch='${esc(spec.target.arch)}'>hvm</type>
${spec.cdrom ? "    <boot dev='cdrom'/>\n" : ''}    <boot dev='hd'/>
  </os>
  <features><acpi/><apic/></features>
${kvm ? "  <cpu mode='host-passthrough'/>\n" : ''}  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    ${disk}
      <target dev='vda' bus='virtio'/>
    </disk>
${
  spec.cdrom
    ? `    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${esc(spec.cdrom)}'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
`
    : ''
}${
  spec.network
    ? `    <interface type='network'>
      <source network='${esc(spec.network)}'/>
      <model type='virtio'/>
    </interface>
`
    : ''
}    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>
`;
}

/** The next free virtio disk name (vdb, vdc...) given the targets in use. */
export function nextTarget(used: string[]): string {
  for (let i = 1; i < 26 * 27; i++) {
    const name =
      i < 26
        ? `vd${String.fromCharCode(97 + i)}`
        : `vd${String.fromCharCode(96 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`;
    if (!used.includes(name)) return name;
  }
  throw new ProviderError('invalid', 'The machine has no free disk slot.');
}

// The virsh command lines the driver runs, in one place. Values always follow an explicit
// option name (--domain, --vol...) so a value that starts with "--" is never taken for an option.

export const cmd = {
  version: () => ['version'],
  hostname: () => ['hostname'],
  nodeinfo: () => ['nodeinfo'],
  capabilities: () => ['capabilities'],
  listUuids: () => ['list', '--all', '--uuid'],
  listPools: () => ['pool-list', '--name'],
  listNetworks: () => ['net-list', '--all', '--name'],
  poolXml: (pool: string) => ['pool-dumpxml', '--pool', pool],
  listVolumes: (pool: string) => ['vol-list', '--pool', pool],
  volumeXml: (vol: string, pool?: string) => ['vol-dumpxml', ...(pool ? ['--pool', pool] : []), '--vol', vol],
  volumePool: (vol: string) => ['vol-pool', '--vol', vol],
  domState: (id: string) => ['domstate', '--domain', id, '--reason'],
  domXml: (id: string) => ['dumpxml', '--domain', id],
  domInfo: (id: string) => ['dominfo', '--domain', id],
  domAddresses: (id: string, source: 'lease' | 'arp') => ['domifaddr', '--domain', id, '--source', source],
  start: (id: string) => ['start', '--domain', id],
  resume: (id: string) => ['resume', '--domain', id],
  shutdown: (id: string) => ['shutdown', '--domain', id],
  reboot: (id: string) => ['reboot', '--domain', id],
  /** libvirt's "destroy" is a hard power-off; the domain stays defined. */
  powerOff: (id: string) => ['destroy', '--domain', id],
  undefine: (id: string, nvram: boolean) => [
    'undefine',
    '--domain',
    id,
    '--managed-save',
    '--snapshots-metadata',
    ...(nvram ? ['--nvram'] : []),
  ],
  rename: (id: string, name: string) => ['domrename', '--domain', id, '--new-name', name],
  define: () => ['define', '--file', '/dev/stdin'],
  createVolume: (
    pool: string,
    name: string,
    capacity: string,
    format: string | null,
    backing?: { path: string; format: string | null },
  ) => [
    'vol-create-as',
    '--pool',
    pool,
    '--name',
    name,
    '--capacity',
    capacity,
    ...(format ? ['--format', format] : []),
    ...(backing
      ? ['--backing-vol', backing.path, ...(backing.format ? ['--backing-vol-format', backing.format] : [])]
      : []),
  ],
  deleteVolume: (vol: string) => ['vol-delete', '--vol', vol],
  attachDisk: (
    id: string,
    source: string,
    target: string,
    format: string | null,
    block: boolean,
    live: boolean,
  ) => [
    'attach-disk',
    '--domain',
    id,
    '--source',
    source,
    '--target',
    target,
    '--targetbus',
    'virtio',
    '--driver',
    'qemu',
    ...(format ? ['--subdriver', format] : []),
    '--sourcetype',
    block ? 'block' : 'file',
    live ? '--persistent' : '--config',
  ],
  detachDisk: (id: string, target: string, live: boolean) => [
    'detach-disk',
    '--domain',
    id,
    '--target',
    target,
    live ? '--persistent' : '--config',
  ],
};

/** Non-empty trimmed lines (list --uuid, pool-list --name). */
export const lines = (output: string): string[] =>
  output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

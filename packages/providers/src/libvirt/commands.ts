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
  networkXml: (name: string) => ['net-dumpxml', '--network', name],
  networkInfo: (name: string) => ['net-info', '--network', name],
  defineNetwork: () => ['net-define', '--file', '/dev/stdin'],
  startNetwork: (name: string) => ['net-start', '--network', name],
  autostartNetwork: (name: string) => ['net-autostart', '--network', name],
  /** libvirt's net-destroy stops the network; net-undefine removes its definition. */
  stopNetwork: (name: string) => ['net-destroy', '--network', name],
  undefineNetwork: (name: string) => ['net-undefine', '--network', name],
  poolXml: (pool: string) => ['pool-dumpxml', '--pool', pool],
  listVolumes: (pool: string) => ['vol-list', '--pool', pool],
  volumeXml: (vol: string, pool?: string) => ['vol-dumpxml', ...(pool ? ['--pool', pool] : []), '--vol', vol],
  volumePool: (vol: string) => ['vol-pool', '--vol', vol],
  domState: (id: string) => ['domstate', '--domain', id, '--reason'],
  domXml: (id: string) => ['dumpxml', '--domain', id],
  /** The persistent definition, without what only a running domain has (ports, devices, MACs stay). */
  domXmlInactive: (id: string) => ['dumpxml', '--domain', id, '--inactive'],
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
  listSnapshots: (id: string) => ['snapshot-list', '--domain', id, '--name'],
  snapshotXml: (id: string, name: string) => ['snapshot-dumpxml', '--domain', id, '--snapshotname', name],
  createSnapshot: (id: string, name: string) => [
    'snapshot-create-as',
    '--domain',
    id,
    '--name',
    name,
    '--atomic',
  ],
  revertSnapshot: (id: string, name: string) => ['snapshot-revert', '--domain', id, '--snapshotname', name],
  deleteSnapshot: (id: string, name: string) => ['snapshot-delete', '--domain', id, '--snapshotname', name],
  /** vCPUs of the stored definition: `maximum` sets the ceiling, otherwise the count it boots with. */
  setVcpus: (id: string, count: number, maximum: boolean) => [
    'setvcpus',
    '--domain',
    id,
    '--count',
    String(count),
    '--config',
    ...(maximum ? ['--maximum'] : []),
  ],
  setMaxMemory: (id: string, mib: number) => ['setmaxmem', '--domain', id, '--size', `${mib}MiB`, '--config'],
  setMemory: (id: string, mib: number) => ['setmem', '--domain', id, '--size', `${mib}MiB`, '--config'],
  cloneVolume: (pool: string, vol: string, newName: string) => [
    'vol-clone',
    '--pool',
    pool,
    '--vol',
    vol,
    '--newname',
    newName,
  ],
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

import type { RemoteMachine, RemoteVolume } from '@overcast/contracts';
import type { DomainFacts } from './domain';
import { splitAddresses } from './ip';
import { mapDomainState } from './state';
import type { InterfaceAddress } from './tables';
import type { VolumeFacts } from './volume';

export const sizeLabel = (vcpus: number, memoryMb: number) => `${vcpus} vCPU / ${memoryMb} MiB`;

/** The image a domain was made from: as Overcast noted it, else the base of its first disk's backing chain. */
function imageOf(facts: DomainFacts): string | null {
  if (facts.image) return facts.image;
  const disk = facts.disks.find((d) => d.device === 'disk');
  return disk?.backing[disk.backing.length - 1] ?? null;
}

export function toMachine(
  facts: DomainFacts,
  state: { state: string; reason: string | null },
  addresses: InterfaceAddress[],
  location: string,
): RemoteMachine {
  const { publicIps, privateIps } = splitAddresses(addresses.map((a) => a.address));
  return {
    externalId: facts.uuid,
    name: facts.name,
    state: mapDomainState(state.state),
    rawState: state.state,
    size: sizeLabel(facts.vcpus, facts.memoryMb),
    image: imageOf(facts),
    location,
    publicIps,
    privateIps,
    // libvirt does not record when a domain was defined.
    createdAt: null,
    tags: facts.tags,
    extra: {
      stateReason: state.reason,
      hypervisor: facts.hypervisor,
      arch: facts.arch,
      vcpus: facts.vcpus,
      maxVcpus: facts.maxVcpus,
      memoryMb: facts.memoryMb,
      maxMemoryMb: facts.maxMemoryMb,
      title: facts.title,
      description: facts.description,
      disks: facts.disks,
      interfaces: facts.interfaces.map((i) => ({
        ...i,
        addresses: addresses
          .filter((a) => (i.mac && a.mac === i.mac) || (i.device && a.device === i.device))
          .map((a) => (a.prefix === null ? a.address : `${a.address}/${a.prefix}`)),
      })),
      bootVolume: facts.bootVolume,
    },
  };
}

export function toVolume(volume: VolumeFacts, attachedTo: string[], location: string): RemoteVolume {
  return {
    externalId: volume.key,
    name: volume.name,
    sizeGb: Math.round((volume.capacityBytes / 1024 ** 3) * 100) / 100,
    // libvirt volumes have no status of their own: attached to a domain or not.
    state: attachedTo.length > 0 ? 'in-use' : 'available',
    rawState: '',
    location,
    attachedTo,
    createdAt: null,
    tags: {},
    extra: {
      pool: volume.pool,
      path: volume.path,
      type: volume.type,
      format: volume.format,
      capacityBytes: volume.capacityBytes,
      allocationBytes: volume.allocationBytes,
      backing: volume.backing,
    },
  };
}

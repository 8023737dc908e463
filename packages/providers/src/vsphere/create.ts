// Making a VM in vCenter: deployed from a content library's VM template onto a host, with the
// CPU and memory of one of the presets, then given cloud-init (the SSH key, user data) through
// guest customization while it is still off, then powered on.

import {
  type CreateMachineSpec,
  ProviderError,
  type RemoteImage,
  type RemoteSize,
} from '@overcast/contracts';
import { userDataFor } from '../common/cloud-init';
import type { VcClient } from './client';
import { fits, type HostCapacity, hostCapacity, tooBig } from './hosts';
import { sizeOf, vmId } from './map';
import type { VimClient } from './vim';

/** What the create form offers: vCenter has no sizes, so these CPU and memory presets stand for them. */
export interface Preset {
  cpus: number;
  memoryMb: number;
  label: string;
}

export const PRESETS: readonly Preset[] = [
  { cpus: 1, memoryMb: 2048, label: 'small' },
  { cpus: 2, memoryMb: 4096, label: 'medium' },
  { cpus: 4, memoryMb: 8192, label: 'large' },
  { cpus: 8, memoryMb: 16_384, label: 'x-large' },
];

/** The preset a size id names, or a refusal naming the form of one. */
export function presetOf(size: string): Preset {
  const preset = PRESETS.find((p) => sizeOf(p.cpus, p.memoryMb) === size);
  if (!preset)
    throw new ProviderError('invalid', `'${size}' is not one of the vSphere sizes (such as 2c-4096m).`);
  return preset;
}

/**
 * The presets, each at the hosts it fits (so the create form offers no VM a host cannot power
 * on); one no host fits is not offered. Every preset when vCenter shows no host.
 */
export function presetSizes(hosts: readonly HostCapacity[]): RemoteSize[] {
  return PRESETS.flatMap((p) => {
    const at = hosts.filter((h) => fits(p, h)).map((h) => h.host);
    if (hosts.length > 0 && at.length === 0) return [];
    return [
      {
        externalId: sizeOf(p.cpus, p.memoryMb)!,
        name: `${p.label}: ${p.cpus} vCPU, ${p.memoryMb / 1024} GiB`,
        cpus: p.cpus,
        memoryMb: p.memoryMb,
        diskGb: null,
        locations: at,
        extra: { preset: p.label },
      },
    ];
  });
}

interface LibraryItem {
  id: string;
  name: string;
  type: string;
  library_id?: string;
}

/** The VM templates of every content library the user can read: what a machine is made from. */
export async function templateImages(api: VcClient): Promise<RemoteImage[]> {
  const out: RemoteImage[] = [];
  for (const library of (await api.request<string[]>('GET', '/content/library')) ?? []) {
    const items = await api.request<string[]>('GET', '/content/library/item', {
      query: { library_id: library },
    });
    for (const id of items ?? []) {
      const item = await api.request<LibraryItem>('GET', `/content/library/item/${encodeURIComponent(id)}`);
      if (item?.type !== 'vm-template') continue;
      out.push({ externalId: item.id, name: item.name, os: null, isPublic: false, extra: { library } });
    }
  }
  return out;
}

const LIBRARY_ITEM = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HOST = /^host-\d{1,12}$/;

/** The guest's host name: the VM's name where it is one, else its id. */
const hostname = (name: string, vm: string) =>
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(name) ? name : vm;

/** Deploys, customizes and starts a VM; its id. */
export async function deployVm(api: VcClient, vim: VimClient, spec: CreateMachineSpec): Promise<string> {
  // vCenter takes names up to 80 characters and escapes '/', '\' and '%' in them: refused here.
  if (!/^[^/\\%\p{Cc}]{1,80}$/u.test(spec.name))
    throw new ProviderError(
      'invalid',
      `'${spec.name}' is not a name Overcast gives a vSphere VM: 1 to 80 characters, without '/', '\\' or '%'.`,
    );
  const preset = presetOf(spec.size);
  if (!LIBRARY_ITEM.test(spec.image))
    throw new ProviderError(
      'invalid',
      `'${spec.image}' is not a content library item id: choose a VM template.`,
    );
  if (!HOST.test(spec.location))
    throw new ProviderError('invalid', `'${spec.location}' is not a vSphere host id (such as host-10).`);
  // Checked before anything is made: vCenter would deploy the VM, then fail to power it on.
  const host = await hostCapacity(vim, spec.location).catch((err: unknown) => {
    // A host vCenter does not have: the deploy below refuses that placement in vCenter's words.
    if (err instanceof ProviderError && err.kind === 'not-found') return null;
    throw err;
  });
  if (host && !fits(preset, host)) throw tooBig(spec.size, host);
  const userdata = userDataFor(spec.sshKey, spec.userData);
  const deployed = await api.request<unknown>('POST', `/vcenter/vm-template/library-items/${spec.image}`, {
    query: { action: 'deploy' },
    body: {
      name: spec.name,
      placement: { host: spec.location },
      // Off until customized: cloud-init's data must be in place before the first boot.
      powered_on: false,
      hardware_customization: {
        cpu_update: { num_cpus: preset.cpus },
        memory_update: { memory: preset.memoryMb },
      },
    },
    idempotent: false,
  });
  if (typeof deployed !== 'string')
    throw new ProviderError('unavailable', 'vCenter answered the deploy without the new VM id.');
  const vm = vmId(deployed);
  if (userdata) {
    try {
      await api.request('PUT', `/vcenter/vm/${vm}/guest/customization`, {
        body: {
          spec: {
            configuration_spec: {
              cloud_config: {
                type: 'CLOUDINIT',
                cloudinit: {
                  metadata: `instance-id: ${vm}\nlocal-hostname: ${hostname(spec.name, vm)}\n`,
                  userdata,
                },
              },
            },
            global_DNS_settings: {},
            interfaces: [],
          },
        },
      });
    } catch (err) {
      // A VM without its key would be unreachable: it goes, and the refusal says why.
      await api.request('DELETE', `/vcenter/vm/${vm}`).catch(() => undefined);
      throw err;
    }
  }
  await api.request('POST', `/vcenter/vm/${vm}/power`, { query: { action: 'start' }, idempotent: true });
  return vm;
}

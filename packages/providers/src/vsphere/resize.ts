// New CPUs and memory for a VM: one of the create presets that fits its host, written with the
// REST API's hardware PATCHes. A powered-off VM takes any; a running one only what its CPU and
// Memory Hot Plug settings allow (vSphere removes no memory from a running VM), which is checked
// before anything is written so that a refusal changes nothing.

import { ProviderError } from '@overcast/contracts';
import type { VcClient } from './client';
import { PRESETS, type Preset, presetOf } from './create';
import { fits, type HostCapacity, hostCapacity, tooBig } from './hosts';
import { sizeOf, type VmInfo } from './map';
import type { MoRef, VimClient } from './vim';

/** The VM's CPU and memory as the REST API reports them, with its hot-plug settings. */
interface Hardware {
  name: string;
  power: string;
  cpus: number;
  coresPerSocket: number;
  cpuHotAdd: boolean;
  cpuHotRemove: boolean;
  memoryMb: number;
  memoryHotAdd: boolean;
}

async function hardwareOf(api: VcClient, vm: string): Promise<Hardware> {
  const info = await api.request<VmInfo>('GET', `/vcenter/vm/${vm}`);
  return {
    name: info?.name ?? vm,
    power: info?.power_state ?? 'UNKNOWN',
    cpus: info?.cpu?.count ?? 0,
    coresPerSocket: info?.cpu?.cores_per_socket ?? 1,
    cpuHotAdd: info?.cpu?.hot_add_enabled === true,
    cpuHotRemove: info?.cpu?.hot_remove_enabled === true,
    memoryMb: info?.memory?.size_MiB ?? 0,
    memoryHotAdd: info?.memory?.hot_add_enabled === true,
  };
}

/** The host a VM runs on, with its logical CPUs and memory. */
async function hostOf(vim: VimClient, vm: string): Promise<HostCapacity> {
  const runtime = await vim.property<{ host?: MoRef }>('VirtualMachine', vm, 'runtime');
  const host = runtime?.host?.value;
  if (!host) throw new ProviderError('unavailable', `vCenter does not say which host runs ${vm}.`);
  return hostCapacity(vim, host);
}

/** Why the VM cannot take `to` as it runs now, in the vSphere Client's terms; null if it can. */
function hotRefusal(hw: Hardware, to: Preset): string | null {
  if (hw.power === 'POWERED_OFF') return null;
  const state = hw.power === 'SUSPENDED' ? 'suspended' : 'powered on';
  const why =
    hw.power === 'SUSPENDED'
      ? 'vSphere changes no hardware of a suspended VM'
      : to.cpus > hw.cpus && !hw.cpuHotAdd
        ? 'CPU Hot Plug (Enable CPU Hot Add) is off for it'
        : to.cpus < hw.cpus && !hw.cpuHotRemove
          ? 'CPU Hot Remove is off for it'
          : to.memoryMb > hw.memoryMb && !hw.memoryHotAdd
            ? 'Memory Hot Plug is off for it'
            : to.memoryMb < hw.memoryMb
              ? 'vSphere removes no memory from a running VM'
              : null;
  return why ? `${hw.name} is ${state} and ${why}: power it off, then resize it.` : null;
}

/** A running VM with CPU or Memory Hot Plug on takes some presets as it runs. */
const hotPluggable = (hw: Hardware) => hw.power === 'POWERED_ON' && (hw.cpuHotAdd || hw.memoryHotAdd);

export async function resizesRunning(api: VcClient, vm: string): Promise<boolean> {
  return hotPluggable(await hardwareOf(api, vm));
}

/**
 * The presets this VM can move to: those its host has the CPUs and memory for and, while it runs
 * with hot plug on, that it can take running; without hot plug, any once it is powered off.
 */
export async function resizeTargets(api: VcClient, vim: VimClient, vm: string): Promise<string[]> {
  const [hw, host] = await Promise.all([hardwareOf(api, vm), hostOf(vim, vm)]);
  return PRESETS.filter((p) => fits(p, host) && !(hotPluggable(hw) && hotRefusal(hw, p))).map(
    (p) => sizeOf(p.cpus, p.memoryMb)!,
  );
}

export async function resizeVm(api: VcClient, vim: VimClient, vm: string, size: string): Promise<void> {
  const to = presetOf(size);
  const [hw, host] = await Promise.all([hardwareOf(api, vm), hostOf(vim, vm)]);
  if (!fits(to, host)) throw tooBig(size, host);
  const refusal = hotRefusal(hw, to);
  if (refusal) throw new ProviderError('conflict', refusal, { code: 'NOT_ALLOWED_IN_CURRENT_STATE' });
  const off = hw.power === 'POWERED_OFF';
  const cpuPath = `/vcenter/vm/${vm}/hardware/cpu`;
  if (to.cpus !== hw.cpus || (off && hw.coresPerSocket !== 1))
    // One core per socket when off, so that any count is a whole number of sockets.
    await api.request('PATCH', cpuPath, {
      body: { count: to.cpus, ...(off ? { cores_per_socket: 1 } : {}) },
    });
  if (to.memoryMb === hw.memoryMb) return;
  try {
    await api.request('PATCH', `/vcenter/vm/${vm}/hardware/memory`, { body: { size_MiB: to.memoryMb } });
  } catch (err) {
    // Memory refused: the CPUs go back, so the VM is not left half resized.
    if (to.cpus !== hw.cpus)
      await api
        .request('PATCH', cpuPath, { body: { count: hw.cpus, cores_per_socket: hw.coresPerSocket } })
        .catch(() => undefined);
    throw err;
  }
}

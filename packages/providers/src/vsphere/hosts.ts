// What an ESXi host can run: its logical CPUs and memory, read through the VIM API (the REST
// API's host list has neither). Creating, resizing and the create form's sizes all ask it.

import { ProviderError } from '@overcast/contracts';
import type { VimClient } from './vim';

export interface HostCapacity {
  /** The host's id, such as host-10: a location's id. */
  host: string;
  name: string;
  threads: number;
  memoryMb: number;
}

export async function hostCapacity(vim: VimClient, host: string): Promise<HostCapacity> {
  const summary = await vim.property<{
    hardware?: { numCpuThreads?: number; memorySize?: number };
    config?: { name?: string };
  }>('HostSystem', host, 'summary');
  const threads = summary?.hardware?.numCpuThreads;
  const bytes = summary?.hardware?.memorySize;
  if (typeof threads !== 'number' || typeof bytes !== 'number')
    throw new ProviderError('unavailable', `vCenter does not say the CPUs and memory of host ${host}.`);
  return { host, name: summary?.config?.name ?? host, threads, memoryMb: Math.floor(bytes / 1024 ** 2) };
}

/** ESXi powers on no VM with more vCPUs than its host has logical CPUs; more memory than the host would only swap. */
export const fits = (p: { cpus: number; memoryMb: number }, host: HostCapacity) =>
  p.cpus <= host.threads && p.memoryMb <= host.memoryMb;

/** The refusal for a preset too big for the host, naming what the host has. */
export const tooBig = (size: string, host: HostCapacity) =>
  new ProviderError(
    'invalid',
    `${size} does not fit host ${host.name} (${host.threads} logical CPUs, ${host.memoryMb} MiB): choose a smaller size or another host.`,
  );

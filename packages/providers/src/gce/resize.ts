import { ProviderError } from '@overcast/contracts';
import type { GceApi } from './client';
import { mutate } from './operations';
import type { InstanceRef } from './snapshots';

/** Compute Engine's word for "the instance is in the wrong state", as a request or an operation error. */
const NOT_READY = new Set(['resourceNotReady', 'RESOURCE_NOT_READY']);

/** instances.setMachineType; Compute Engine refuses it unless the instance is stopped (TERMINATED). */
export async function resizeInstance(api: GceApi, { zone, name }: InstanceRef, machineType: string) {
  try {
    await mutate(api, { zone }, () =>
      api.instances.setMachineType(
        {
          project: api.config.project,
          zone,
          instance: name,
          instancesSetMachineTypeRequestResource: {
            machineType: `zones/${zone}/machineTypes/${machineType}`,
          },
        },
        api.callOptions(),
      ),
    );
  } catch (err) {
    if (err instanceof ProviderError && NOT_READY.has(err.options.code ?? '')) {
      throw new ProviderError(
        'conflict',
        `${err.message}: Compute Engine changes the machine type only of a stopped instance; stop '${name}' first.`,
        { ...err.options, cause: err },
      );
    }
    throw err;
  }
}

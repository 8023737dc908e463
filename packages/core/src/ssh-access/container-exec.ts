import { ProviderError } from '@overcast/contracts';
import type { Cloud, Machine } from '@overcast/db';
import type { ContainerDriver, ContainerProcess } from '@overcast/providers';
import { containerDriverOf } from '../clouds/service';
import { DomainError } from '../errors';
import type { DriverRuntime } from '../runtime';

/**
 * Runs argv in a container through its engine's exec API (never SSH to the container's address),
 * the way script runs reach containers. The engine connection is let go once the command ends.
 * A refusal is a DomainError that says what to do.
 */
export async function runInContainer(
  runtime: DriverRuntime,
  cloud: Cloud,
  machine: Pick<Machine, 'externalId' | 'name'>,
  command: string[],
  options: { stdin?: string; env?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
): Promise<ContainerProcess> {
  let driver: ContainerDriver | null = null;
  try {
    driver = await containerDriverOf(runtime, cloud);
    const proc = await driver.runCommand(machine.externalId, command, options);
    const engine = driver;
    void proc.exit.finally(() => engine.close().catch(() => {}));
    return proc;
  } catch (err) {
    await driver?.close().catch(() => {});
    if (!(err instanceof ProviderError)) throw err;
    const hint =
      err.kind === 'not-found'
        ? ' The container no longer exists; refresh the cloud.'
        : err.kind === 'conflict'
          ? ' Start (or unpause) the container, then run again.'
          : '';
    throw new DomainError(
      err.kind === 'unavailable' ? 'provider_failed' : 'provider_refused',
      'exec_failed',
      `The Docker engine "${cloud.title}" did not run the command in ${machine.name}: ${err.message}.${hint}`,
    );
  }
}

import type { Duplex } from 'node:stream';
import { ProviderError } from '@overcast/contracts';
import type { Machine } from '@overcast/db';
import { containerDriverOf } from '../clouds';
import { DomainError } from '../errors';
import type { CloudRuntime } from '../runtime';

/** A shell inside a container, as the terminal session drives it. */
export interface ContainerTerminal {
  stream: Duplex;
  execId: string;
  engine: string;
  resize(cols: number, rows: number): void;
}

/**
 * Opens a TTY shell in the container through the engine's exec API. Failures come back as a
 * DomainError whose code tells them apart: the engine refused the exec (container stopped,
 * paused or without a shell), the engine cannot be reached, or its TLS material is wrong.
 */
export async function openContainerShell(
  runtime: CloudRuntime,
  machine: Pick<Machine, 'cloudId' | 'organizationId' | 'externalId' | 'name'>,
  size: { cols: number; rows: number },
): Promise<ContainerTerminal> {
  const cloud = await runtime.db.prisma.cloud.findFirst({
    where: { id: machine.cloudId, organizationId: machine.organizationId },
  });
  if (!cloud) throw new DomainError('not_found', 'cloud_not_found', 'The machine’s cloud was not found.');
  try {
    const driver = await containerDriverOf(runtime, cloud);
    const shell = await driver.openShell(machine.externalId, size);
    return {
      stream: shell.stream,
      execId: shell.execId,
      engine: driver.label,
      resize: (cols, rows) => {
        // A resize racing the end of the exec is harmless; the next one (if any) wins.
        shell.resize(cols, rows).catch(() => {});
      },
    };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    if (err.kind === 'conflict' || err.kind === 'not-found') {
      throw new DomainError(
        'conflict',
        'exec_refused',
        `The Docker engine refused to open a shell in ${machine.name}: ${err.message}. ` +
          (err.kind === 'not-found'
            ? 'The container no longer exists; refresh the cloud.'
            : 'Start (or unpause) the container, then try again.'),
      );
    }
    if (err.kind === 'auth') throw new DomainError('provider_refused', 'engine_auth_failed', err.message);
    if (err.kind === 'unavailable')
      throw new DomainError('provider_failed', 'engine_unreachable', err.message);
    throw new DomainError(
      'provider_refused',
      'exec_failed',
      `Opening a shell in ${machine.name} failed: ${err.message}`,
    );
  }
}

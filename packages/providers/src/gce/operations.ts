// Mutating calls: sent once, then waited on through their operation; a failed operation
// becomes a ProviderError with the operation's own words.

import { ProviderError } from '@overcast/contracts';
import type { GceApi, Operation, OperationScope } from './client';
import { kindForHttp } from './errors';

const CONFLICTS = new Set(['RESOURCE_IN_USE_BY_ANOTHER_RESOURCE', 'RESOURCE_NOT_READY']);

function operationError(op: Operation): ProviderError | null {
  const first = op.error?.errors?.[0];
  if (!first) return null;
  const status = op.httpErrorStatusCode ?? 400;
  // Taken, or in the wrong state for this change right now.
  const kind = CONFLICTS.has(first.code ?? '') ? 'conflict' : kindForHttp(status);
  return new ProviderError(kind, first.message ?? first.code ?? 'operation failed', {
    status,
    code: first.code ?? undefined,
  });
}

/** Runs a mutating call and waits for its operation; a failed operation throws. */
export async function mutate(
  api: GceApi,
  scope: OperationScope,
  run: () => Promise<unknown[]>,
): Promise<Operation | null> {
  const [lro] = (await api.write(run)) as [{ latestResponse?: Operation }];
  const done = await api.waitFor(scope, lro?.latestResponse);
  const failure = done && operationError(done);
  if (failure) throw failure;
  return done;
}

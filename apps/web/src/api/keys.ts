import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type { ListOf, SshKey } from './types';

export const sshKeysQuery = queryOptions({
  queryKey: ['ssh-keys'] as const,
  queryFn: ({ signal }) => api.get<ListOf<SshKey>>('/ssh-keys', { signal }).then((r) => r.items),
  staleTime: 60_000,
});

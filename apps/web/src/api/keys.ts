import { queryOptions } from '@tanstack/react-query';
import { api, withQuery } from './client';
import type {
  CreateSshKeyRequest,
  ListOf,
  MachineSsh,
  MachineSshRequest,
  ShellSession,
  SshKey,
  UpdateSshKeyRequest,
} from './types';

export const sshKeysQuery = queryOptions({
  queryKey: ['ssh-keys'] as const,
  queryFn: ({ signal }) => api.get<ListOf<SshKey>>('/ssh-keys', { signal }).then((r) => r.items),
  staleTime: 60_000,
});

export const createSshKey = (body: CreateSshKeyRequest) => api.post<SshKey>('/ssh-keys', body);

export const updateSshKey = (id: string, body: UpdateSshKeyRequest) =>
  api.patch<SshKey>(`/ssh-keys/${id}`, body);

export const deleteSshKey = (id: string, force = false) =>
  api.delete<void>(withQuery(`/ssh-keys/${id}`, { force: force || undefined }));

export const machineSshQuery = (machineId: string) =>
  queryOptions({
    queryKey: ['machines', 'ssh', machineId] as const,
    queryFn: ({ signal }) => api.get<MachineSsh>(`/machines/${machineId}/ssh`, { signal }),
    staleTime: 30_000,
  });

export const setMachineSsh = (machineId: string, body: MachineSshRequest) =>
  api.put<MachineSsh>(`/machines/${machineId}/ssh`, body);

export const shellSessionsQuery = (machineId: string) =>
  queryOptions({
    queryKey: ['machines', 'shell-sessions', machineId] as const,
    queryFn: ({ signal }) =>
      api.get<ListOf<ShellSession>>(`/machines/${machineId}/shell-sessions`, { signal }).then((r) => r.items),
    staleTime: 10_000,
  });

/** The asciicast v2 text of a session (not JSON, so fetched directly). */
export async function fetchRecording(sessionId: string, signal?: AbortSignal): Promise<string> {
  const response = await fetch(`/api/v1/shell-sessions/${sessionId}/recording`, {
    credentials: 'same-origin',
    signal,
  });
  if (!response.ok) {
    let message = `The recording could not be loaded (${response.status}).`;
    try {
      const body = (await response.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // Not the API's JSON: the status line says enough.
    }
    throw new Error(message);
  }
  return response.text();
}

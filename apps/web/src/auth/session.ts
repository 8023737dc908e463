import { type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { getMe } from '../api/auth';
import { isApiError } from '../api/errors';
import type { Session } from '../api/types';

/**
 * What the app knows about who is signed in. "Signed out" keeps why, so the login
 * redirect can remember the page for an expired session but not after a deliberate log out.
 */
export type SessionState =
  | { status: 'signed-in'; session: Session }
  | { status: 'signed-out'; reason: 'no-session' | 'expired' | 'logged-out' };

export const sessionQueryKey = ['session'] as const;

export const sessionQuery = queryOptions({
  queryKey: sessionQueryKey,
  queryFn: async ({ signal }): Promise<SessionState> => {
    try {
      return { status: 'signed-in', session: await getMe(signal) };
    } catch (error) {
      if (isApiError(error, 401)) return { status: 'signed-out', reason: 'no-session' };
      throw error;
    }
  },
  // Re-checked when the tab regains focus after a minute, so an expired session shows up promptly.
  staleTime: 60_000,
});

export function useSessionState() {
  return useQuery(sessionQuery);
}

export async function startSession(queryClient: QueryClient, session: Session): Promise<void> {
  // A session probe still in flight would otherwise overwrite the fresh login with its 401.
  await queryClient.cancelQueries({ queryKey: sessionQueryKey });
  const state: SessionState = { status: 'signed-in', session };
  queryClient.setQueryData(sessionQuery.queryKey, state);
}

export function endSession(queryClient: QueryClient, reason: 'expired' | 'logged-out'): void {
  // Drop every cached resource so the next user never sees the previous user's data.
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
  const state: SessionState = { status: 'signed-out', reason };
  queryClient.setQueryData(sessionQuery.queryKey, state);
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { logout } from '../api/auth';
import { isApiError } from '../api/errors';
import { endSession } from './session';

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await logout();
      } catch (error) {
        // Already signed out on the server (expired cookie): the goal is reached.
        if (!isApiError(error, 401)) throw error;
      }
    },
    onSuccess: () => endSession(queryClient, 'logged-out'),
  });
}

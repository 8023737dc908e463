import { type QueryKey, type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/errors';
import { toast } from './toast';

type Text<D, V> = string | ((data: D, variables: V) => string);

export interface ResourceMutationOptions<D, V> {
  mutationFn: (variables: V) => Promise<D>;
  /** The queries whose data the change makes stale (e.g. `sshKeyKeys.all`). */
  invalidates: readonly QueryKey[] | ((data: D, variables: V) => readonly QueryKey[]);
  /** Toast on success; none when omitted. */
  success?: Text<D, V>;
  /** A second line under the success toast. */
  successDescription?: Text<D, V>;
  /**
   * Toast title on failure, the server's message under it. Omit it where a form shows the error
   * in place (`mutation.error`), so it isn't said twice.
   */
  failure?: string | ((variables: V) => string);
  onSuccess?: (data: D, variables: V) => void;
  onError?: (error: Error, variables: V) => void;
}

/**
 * A change to a resource: runs it, says how it went in a toast with the server's own words and
 * refreshes the lists and details it touched. Every page changes its resources through this.
 */
export function useResourceMutation<D = unknown, V = void>(
  options: ResourceMutationOptions<D, V>,
): UseMutationResult<D, Error, V> {
  const queryClient = useQueryClient();
  return useMutation<D, Error, V>({
    mutationFn: options.mutationFn,
    onSuccess: async (data, variables) => {
      const { success, successDescription, invalidates } = options;
      if (success !== undefined) {
        toast.success(text(success, data, variables), {
          ...(successDescription !== undefined
            ? { description: text(successDescription, data, variables) }
            : {}),
        });
      }
      options.onSuccess?.(data, variables);
      const keys = typeof invalidates === 'function' ? invalidates(data, variables) : invalidates;
      await Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
    onError: (error, variables) => {
      const { failure } = options;
      if (failure !== undefined) {
        toast.error(typeof failure === 'function' ? failure(variables) : failure, {
          description: errorText(error),
        });
      }
      options.onError?.(error, variables);
    },
  });
}

function text<D, V>(value: Text<D, V>, data: D, variables: V): string {
  return typeof value === 'function' ? value(data, variables) : value;
}

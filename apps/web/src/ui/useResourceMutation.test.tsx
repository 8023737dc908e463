import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { testQueryClient } from '../../test/render';
import { ApiError } from '../api/errors';
import { dismissToast, getToasts } from './toast';
import { useResourceMutation } from './useResourceMutation';

afterEach(() => {
  for (const t of getToasts()) dismissToast(t.id);
});

function setup() {
  const queryClient = testQueryClient();
  queryClient.setQueryData(['keys', 'list'], ['old']);
  queryClient.setQueryData(['keys', 'detail', 'k1'], { name: 'old' });
  queryClient.setQueryData(['machines', 'list'], ['m1']);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  const stale = (key: string[]) => queryClient.getQueryState(key)?.isInvalidated ?? false;
  return { wrapper, stale };
}

describe('useResourceMutation', () => {
  it('says it worked and marks the queries it touched as stale, and only those', async () => {
    const { wrapper, stale } = setup();
    const { result } = renderHook(
      () =>
        useResourceMutation({
          mutationFn: async (name: string) => ({ id: 'k1', name }),
          invalidates: [['keys']],
          success: (key) => `Renamed to ${key.name}`,
        }),
      { wrapper },
    );
    act(() => result.current.mutate('deploy'));
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(getToasts().map((t) => [t.tone, t.title])).toEqual([['success', 'Renamed to deploy']]);
    expect(stale(['keys', 'list'])).toBe(true);
    expect(stale(['keys', 'detail', 'k1'])).toBe(true);
    expect(stale(['machines', 'list'])).toBe(false);
  });

  it("shows the server's message when the change is refused, and refreshes nothing", async () => {
    const { wrapper, stale } = setup();
    const { result } = renderHook(
      () =>
        useResourceMutation({
          mutationFn: async () => {
            throw new ApiError(409, 'ssh_key_in_use', 'The key is used by 3 machines.');
          },
          invalidates: [['keys']],
          success: 'Deleted',
          failure: "Couldn't delete deploy",
        }),
      { wrapper },
    );
    act(() => result.current.mutate());
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(getToasts().map((t) => [t.tone, t.title, t.description])).toEqual([
      ['error', "Couldn't delete deploy", 'The key is used by 3 machines.'],
    ]);
    expect(stale(['keys', 'list'])).toBe(false);
  });

  it('leaves a failure to the form when no failure title is given', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(
      () =>
        useResourceMutation({
          mutationFn: async () => {
            throw new ApiError(400, 'validation_failed', 'Name is taken', null, 'body.name');
          },
          invalidates: [['keys']],
        }),
      { wrapper },
    );
    act(() => result.current.mutate());
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(getToasts()).toEqual([]);
    expect(result.current.error?.message).toBe('Name is taken');
  });
});

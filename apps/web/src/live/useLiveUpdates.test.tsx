import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testQueryClient } from '../../test/render';
import { useLiveUpdates } from './useLiveUpdates';

/** A WebSocket the test opens and speaks through, in place of the browser's. */
class TestSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static last: TestSocket | undefined;
  readyState = TestSocket.CONNECTING;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    TestSocket.last = this;
  }
  receive(data: object) {
    this.readyState = TestSocket.OPEN;
    this.onmessage?.({ data: JSON.stringify(data) });
  }
  close() {
    this.onclose?.();
  }
}

beforeEach(() => {
  vi.stubGlobal('WebSocket', TestSocket);
});
afterEach(() => {
  vi.unstubAllGlobals();
  TestSocket.last = undefined;
});

describe('useLiveUpdates', () => {
  it('reads a list again once the stream first listens, since a change in between sent no event to this page', async () => {
    const queryClient = testQueryClient();
    // The machines a first sync adds after the page read none, but before the stream was subscribed.
    let machines = 0;
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const { result } = renderHook(
      () => {
        useLiveUpdates();
        return useQuery({ queryKey: ['machines', 'list', {}], queryFn: async () => ({ total: machines }) });
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.data).toEqual({ total: 0 }));
    machines = 3;

    TestSocket.last!.receive({ type: 'hello' });

    await waitFor(() => expect(result.current.data).toEqual({ total: 3 }));
  });
});

import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testQueryClient } from '../../test/render';
import { stackKeys } from '../api/stacks';
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

  it('reads the rules and incidents again when an incident opens or resolves', async () => {
    const queryClient = testQueryClient();
    let openIncidents = 0;
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const { result } = renderHook(
      () => {
        useLiveUpdates();
        const rules = useQuery({ queryKey: ['rules'], queryFn: async () => ({ open: openIncidents }) });
        const incidents = useQuery({
          queryKey: ['incidents', 'open', 'any'],
          queryFn: async () => ({ open: openIncidents }),
        });
        return [rules.data, incidents.data];
      },
      { wrapper },
    );
    TestSocket.last!.receive({ type: 'hello' });
    await waitFor(() => expect(result.current).toEqual([{ open: 0 }, { open: 0 }]));
    // The stream's first reads are done before anything changes.
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    openIncidents = 1;

    TestSocket.last!.receive({
      type: 'incident.changed',
      incidentId: '00000000-0000-4000-8000-000000000001',
      ruleId: '00000000-0000-4000-8000-000000000002',
      machineId: null,
      status: 'open',
    });

    await waitFor(() => expect(result.current).toEqual([{ open: 1 }, { open: 1 }]));
  });

  it("reads the templates, a template's versions and the catalog again when another admin changes a template", async () => {
    const queryClient = testQueryClient();
    let version = 1;
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const id = '00000000-0000-4000-8000-000000000003';
    const { result } = renderHook(
      () => {
        useLiveUpdates();
        const read = async () => ({ version });
        const list = useQuery({ queryKey: stackKeys.templates(), queryFn: read });
        const versions = useQuery({ queryKey: stackKeys.templateVersions(id), queryFn: read });
        const catalog = useQuery({ queryKey: stackKeys.catalog(), queryFn: read });
        const machines = useQuery({ queryKey: ['machines', 'list', {}], queryFn: read });
        return [list.data, versions.data, catalog.data, machines.data];
      },
      { wrapper },
    );
    TestSocket.last!.receive({ type: 'hello' });
    await waitFor(() =>
      expect(result.current).toEqual([{ version: 1 }, { version: 1 }, { version: 1 }, { version: 1 }]),
    );
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    version = 2;

    TestSocket.last!.receive({ type: 'template.changed', templateId: id, change: 'version' });

    await waitFor(() =>
      expect(result.current.slice(0, 3)).toEqual([{ version: 2 }, { version: 2 }, { version: 2 }]),
    );
    // Nothing else is read again for it.
    expect(result.current[3]).toEqual({ version: 1 });
  });
});

import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp } from '../../test/render';
import { unknownProvider } from '../providers/meta';
import { ActionDialog } from './ActionDialog';
import { StateBadge } from './StateBadge';

// Deallocate in the web app, by the provider's features and words, never its name: the badge of
// a deallocated machine, the stop dialog that says a stopped machine still bills, and the
// deallocate dialog's request.

/** A provider known only by its features: it deallocates, and says so of a released machine. */
const base = unknownProvider('cloud-a');
const releasing = {
  ...base,
  label: 'Cloud A',
  features: { ...base.features, extraActions: ['deallocate'] },
  unbilledStates: ['deallocated'],
};

/** The API: the providers list, and any action accepted; what was posted is kept. */
function serve() {
  const sent: { url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const body = String(url).endsWith('/providers') ? { items: [releasing] } : {};
      if (init?.method === 'POST') sent.push({ url: String(url), body: JSON.parse(String(init.body)) });
      return new Response(JSON.stringify(body), {
        status: init?.method === 'POST' ? 202 : 200,
        headers: { 'Content-Type': 'application/json' },
      });
    }),
  );
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const vm = { id: 'm1', name: 'vm-1' };

describe('deallocate', () => {
  it("shows a deallocated machine by its provider's word, a merely stopped one as stopped", async () => {
    serve();
    renderWithApp(
      <>
        <StateBadge machineId="m1" state="stopped" rawState="deallocated" provider="cloud-a" />
        <StateBadge machineId="m2" state="stopped" rawState="stopped" provider="cloud-a" />
      </>,
    );
    await waitFor(() => expect(screen.getByText('Deallocated')).toBeTruthy());
    expect(screen.getByText('Deallocated').closest('[title]')?.getAttribute('title')).toMatch(
      /only its disks are billed/,
    );
    expect(screen.getByText('Stopped')).toBeTruthy();
  });

  it('warns that a stop keeps billing where the provider bills until deallocated', () => {
    serve();
    renderWithApp(
      <ActionDialog request={{ action: 'stop', machines: [vm], stopStillBills: true }} onClose={() => {}} />,
    );
    expect(screen.getByText(/still bills compute as if it were running/)).toBeTruthy();
  });

  it('sends deallocate for the machine', async () => {
    const sent = serve();
    renderWithApp(<ActionDialog request={{ action: 'deallocate', machines: [vm] }} onClose={() => {}} />);
    expect(screen.getByText(/compute billing stops, only its disks are billed/)).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Deallocate machine' }));
    await waitFor(() =>
      expect(sent).toEqual([
        { url: expect.stringMatching(/\/machines\/m1\/actions$/), body: { action: 'deallocate' } },
      ]),
    );
  });
});

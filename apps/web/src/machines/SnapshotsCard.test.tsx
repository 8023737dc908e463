import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp } from '../../test/render';
import { SnapshotsCard } from './SnapshotsCard';

const LISTED = {
  items: [{ id: 's1', name: 'before-upgrade', state: 'available', createdAt: null, sizeGb: 10 }],
  canRevert: true,
  canDelete: true,
};

/** The snapshot list as the API gives it; the requests sent are kept. */
function serve(revertNeeds: 'running' | 'stopped' | null, canDelete = true) {
  const sent: { method: string; url: string }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      sent.push({ method: init?.method ?? 'GET', url: String(url) });
      const body = String(url).endsWith('/snapshots') ? { ...LISTED, revertNeeds, canDelete } : {};
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    }),
  );
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

async function openRevert(state: string) {
  renderWithApp(<SnapshotsCard machine={{ id: 'm1', name: 'db-1', state }} canTake canChange />);
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Actions for snapshot before-upgrade' }));
  await user.click(screen.getByRole('menuitem', { name: 'Revert to this' }));
  return screen.getByRole('dialog', { name: 'Revert db-1?' });
}

describe('SnapshotsCard', () => {
  it('asks to stop a running machine first where the provider reverts only stopped ones, and sends nothing', async () => {
    const sent = serve('stopped');
    const dialog = await openRevert('running');
    expect(dialog.textContent).toContain('db-1 is running: this provider reverts only a stopped machine.');
    expect(dialog.textContent).toContain('It stays stopped afterwards.');
    expect(screen.getByRole('button', { name: 'Revert' })).toHaveProperty('disabled', true);
    expect(sent.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('reverts a machine in the state its provider needs', async () => {
    const sent = serve('stopped');
    const dialog = await openRevert('stopped');
    expect(dialog.textContent).not.toContain('Stop it first');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Revert' }));
    await waitFor(() =>
      expect(sent).toContainEqual({
        method: 'POST',
        url: expect.stringMatching(/\/machines\/m1\/snapshots\/s1\/revert$/),
      }),
    );
  });

  it('offers no Delete where the provider deletes no snapshot on request, and says why', async () => {
    serve(null, false);
    renderWithApp(<SnapshotsCard machine={{ id: 'm1', name: 'db-1', state: 'stopped' }} canTake canChange />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Actions for snapshot before-upgrade' }));
    expect(screen.getByRole('menuitem', { name: 'Revert to this' })).toBeTruthy();
    expect(screen.queryByRole('menuitem', { name: 'Delete' })).toBeNull();
    expect(screen.getByText(/a new snapshot replaces the last one/)).toBeTruthy();
  });
});

import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp } from '../../test/render';
import { getToasts } from '../ui/toast';
import { CloneDialog } from './CloneDialog';

/** The API's answer to the clone request; what was sent, and where, is kept. */
function serve(status: number, body: unknown) {
  const sent: { url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      sent.push({ url: String(url), body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    }),
  );
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const db1 = { id: 'm1', name: 'db-1', state: 'stopped' };

describe('CloneDialog', () => {
  it('sends the name of the copy and says when it is made', async () => {
    const sent = serve(201, { id: 'm2', name: 'db-2', state: 'stopped' });
    renderWithApp(<CloneDialog machine={db1} onClose={() => {}} />);
    const user = userEvent.setup();
    const name = screen.getByLabelText('Name of the copy');
    expect(name).toHaveProperty('value', 'db-1-copy');
    await user.clear(name);
    await user.type(name, 'db-2');
    await user.click(screen.getByRole('button', { name: 'Clone' }));
    await waitFor(() => expect(getToasts().map((t) => t.title)).toContain('Cloned db-1 as db-2'));
    expect(sent).toEqual([{ url: expect.stringMatching(/\/machines\/m1\/clone$/), body: { name: 'db-2' } }]);
  });

  it('asks to stop a running machine first and sends nothing', async () => {
    const sent = serve(201, {});
    renderWithApp(<CloneDialog machine={{ ...db1, state: 'running' }} onClose={() => {}} />);
    expect(screen.getByText(/Stop db-1 first/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Clone' })).toHaveProperty('disabled', true);
    expect(sent).toEqual([]);
  });

  it("puts the server's refusal of the name beside the name", async () => {
    serve(400, {
      error: { code: 'validation_failed', message: 'body.name must match the pattern.', field: 'body.name' },
    });
    renderWithApp(<CloneDialog machine={db1} onClose={() => {}} />);
    const user = userEvent.setup();
    const name = screen.getByLabelText('Name of the copy');
    await user.click(screen.getByRole('button', { name: 'Clone' }));
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getAllByText('body.name must match the pattern.')).toHaveLength(1);
  });
});

import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp } from '../../test/render';
import { AddChatChannelDialog } from './AddChatChannelDialog';

/** The API's answer to the create request; what was sent is kept. */
function serve(status: number, body: unknown) {
  const sent: unknown[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init?: RequestInit) => {
      sent.push(init?.body ? JSON.parse(String(init.body)) : undefined);
      return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    }),
  );
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('AddChatChannelDialog', () => {
  it('asks ntfy for a server, a topic and an optional token, and sends them', async () => {
    const sent = serve(201, { id: 'c1', kind: 'ntfy', name: 'Phones', enabled: true, createdAt: '' });
    const onCreated = vi.fn();
    renderWithApp(<AddChatChannelDialog onClose={() => {}} onCreated={onCreated} />);
    const user = userEvent.setup();
    expect(screen.queryByLabelText('Topic')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Platform'), 'ntfy');
    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'Phones');
    await user.type(screen.getByLabelText('Server'), 'https://ntfy.example.com');
    await user.type(screen.getByLabelText('Topic'), 'oncall-7f3a');
    await user.type(screen.getByLabelText('Access token (optional)'), 'tk_abc');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(sent).toEqual([
      {
        kind: 'ntfy',
        name: 'Phones',
        url: 'https://ntfy.example.com',
        topic: 'oncall-7f3a',
        accessToken: 'tk_abc',
      },
    ]);
  });

  it("puts the server's refusal beside the field it names", async () => {
    serve(400, {
      error: {
        code: 'validation_failed',
        message: 'body.url must be an http:// or https:// URL.',
        field: 'body.url',
      },
    });
    renderWithApp(<AddChatChannelDialog onClose={() => {}} onCreated={() => {}} />);
    const user = userEvent.setup();
    const url = screen.getByLabelText('Incoming webhook URL');
    await user.type(url, 'https://hooks.example.com/x y');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    const described = (url.getAttribute('aria-describedby') ?? '').split(' ');
    const texts = described.map((id) => document.getElementById(id)?.textContent);
    expect(texts).toContain('body.url must be an http:// or https:// URL.');
    // Said once, beside the field, not again at the top of the form.
    expect(screen.getAllByText('body.url must be an http:// or https:// URL.')).toHaveLength(1);
  });
});

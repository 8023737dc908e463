import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, sessionWith } from '../../test/render';
import { ScriptsPage } from './ScriptsPage';

const playbook = '- hosts: all\n  tasks:\n    - ansible.builtin.ping:\n';
const script = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'configure',
  description: '',
  kind: 'ansible',
  version: 1,
  body: playbook,
  parameters: [],
  requirements: 'collections:\n  - community.general\n',
  createdAt: '2026-12-03T00:00:00.000Z',
  updatedAt: '2026-12-03T00:00:00.000Z',
};

/** Answers the page's requests; what was sent with a body is kept. */
function serve() {
  const sent: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      if (init?.body) sent.push({ method, url, body: JSON.parse(String(init.body)) });
      const body =
        method === 'PATCH'
          ? { ...script, ...(JSON.parse(String(init?.body)) as object), version: 2 }
          : url.includes('/runs')
            ? { items: [] }
            : { items: [script] };
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

describe('ScriptsPage, ansible scripts', () => {
  it('shows a playbook in a YAML editor with its requirements, and saves a changed requirements file', async () => {
    const sent = serve();
    renderWithApp(<ScriptsPage />, {
      session: sessionWith({ scripts: ['read', 'create', 'edit', 'run'] }, 'admin'),
    });
    const editor = await screen.findByLabelText('Playbook');
    expect(editor).toHaveProperty('value', playbook);
    const requirements = screen.getByLabelText('Requirements file');
    expect(requirements).toHaveProperty('value', script.requirements);
    expect(screen.getByLabelText('Kind')).toHaveProperty('value', 'ansible');
    const user = userEvent.setup();
    await user.clear(requirements);
    await user.click(screen.getByRole('button', { name: /save/i }));
    await waitFor(() => expect(sent.some((s) => s.method === 'PATCH')).toBe(true));
    const patch = sent.find((s) => s.method === 'PATCH')!;
    expect(patch.body).toMatchObject({ kind: 'ansible', body: playbook, requirements: null });
  });

  it('offers the ansible kind for a new script, with an example playbook and no requirements', async () => {
    serve();
    renderWithApp(<ScriptsPage />, {
      session: sessionWith({ scripts: ['read', 'create', 'edit', 'run'] }, 'admin'),
    });
    await screen.findByLabelText('Playbook');
    const user = userEvent.setup();
    await user.click(screen.getAllByRole('button', { name: /new script/i })[0]!);
    expect(screen.queryByLabelText('Requirements file')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Kind'), 'ansible');
    expect(String((screen.getByLabelText('Playbook') as HTMLTextAreaElement).value)).toMatch(
      /^# .*\n- hosts: all\n/,
    );
    expect(screen.getByLabelText('Requirements file')).toHaveProperty('value', '');
  });
});

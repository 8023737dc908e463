import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, sessionWith } from '../../test/render';
import { lineRange } from './TemplateEditor';
import { NewTemplatePage, TemplatePage } from './TemplatePage';

const ID = '00000000-0000-4000-8000-0000000000a1';
const GOOD = [
  'description: One web server',
  'resources:',
  '  machines:',
  '    web:',
  '      cloud: DO',
  '      size: s-1vcpu-1gb',
  '      image: debian-12-x64',
  '      location: fra1',
  '',
].join('\n');
/** Line 6 made wrong: what the server's check would say about it is below. */
const BROKEN = GOOD.replace('size: s-1vcpu-1gb', 'size: [1, 2]');
const PROBLEM = {
  line: 6,
  column: 13,
  field: 'resources.machines.web.size',
  message: 'Expected a string.',
};

const template = (version: number, source: string) => ({
  id: ID,
  name: 'web',
  description: 'One web server',
  version,
  source,
  inputs: {},
  changedBy: 'ada@example.com',
  createdAt: '2026-12-03T00:00:00.000Z',
  updatedAt: '2026-12-03T00:00:00.000Z',
});

/** Answers the pages' requests as the API would; what was sent with a body is kept. */
function serve() {
  const sent: { method: string; url: string; body: Record<string, unknown> & { source?: string } }[] = [];
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      if (body) sent.push({ method, url, body });
      if (url.endsWith('/templates/validate')) {
        const problems = body.source.includes('size: [1, 2]') ? [PROBLEM] : [];
        return json({ valid: problems.length === 0, problems });
      }
      if (url.endsWith('/templates/gallery'))
        return json({ items: [{ name: 'one-web-server', description: 'One web server', source: GOOD }] });
      if (url.endsWith('/templates') && method === 'POST') return json(template(1, body.source), 201);
      if (method === 'PATCH') return json(template(2, body.source));
      if (url.endsWith(`/templates/${ID}/versions`))
        return json({
          items: [
            {
              version: 2,
              source: GOOD,
              inputs: {},
              createdBy: 'ada@example.com',
              createdAt: '2026-12-03T01:00:00.000Z',
            },
            {
              version: 1,
              source: GOOD.replace('fra1', 'ams3'),
              inputs: { cloud: { type: 'string', description: 'The cloud, by title or id' } },
              createdBy: 'grace@example.com',
              createdAt: '2026-12-03T00:00:00.000Z',
            },
          ],
        });
      if (url.endsWith(`/templates/${ID}`)) return json(template(2, GOOD));
      return json({ error: { code: 'not_found', message: 'Not found' } }, 404);
    }),
  );
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const editors = sessionWith({ templates: ['read', 'create', 'edit'], stacks: ['read', 'create'] }, 'admin');
const saveButton = () => screen.getByRole('button', { name: 'Save' });

describe('the template editor', () => {
  it('lists each problem with its line and marks the line; clicking one selects that line', async () => {
    serve();
    renderWithApp(<NewTemplatePage />, { session: editors });
    const source = screen.getByLabelText('Template source') as HTMLTextAreaElement;
    fireEvent.change(source, { target: { value: BROKEN } });
    const problems = await screen.findByRole('list', { name: 'Problems' });
    const problem = within(problems).getByRole('button');
    expect(problem.textContent).toBe('Line 6 resources.machines.web.size: Expected a string.');
    const marked = screen.getByTestId('template-gutter').querySelectorAll('[data-problem-line]');
    expect([...marked].map((m) => m.textContent)).toEqual(['6']);

    await userEvent.setup().click(problem);
    expect(document.activeElement).toBe(source);
    const [start, end] = lineRange(BROKEN, 6);
    expect(BROKEN.slice(source.selectionStart, source.selectionEnd)).toBe('      size: [1, 2]');
    expect([source.selectionStart, source.selectionEnd]).toEqual([start, end]);
  });

  it('keeps Save disabled while there are problems, saying why, and saves once they are fixed', async () => {
    const sent = serve();
    renderWithApp(<NewTemplatePage />, { session: editors });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Name/), 'web');
    const source = screen.getByLabelText('Template source');
    fireEvent.change(source, { target: { value: BROKEN } });
    await screen.findByRole('list', { name: 'Problems' });
    expect(saveButton()).toHaveProperty('disabled', true);
    expect(screen.getByRole('status').textContent).toBe('Fix the problem listed under the editor first.');

    fireEvent.change(source, { target: { value: GOOD } });
    await waitFor(() => expect(saveButton()).toHaveProperty('disabled', false), { timeout: 2000 });
    expect(screen.queryByRole('list', { name: 'Problems' })).toBeNull();
    await user.click(saveButton());
    await waitFor(() =>
      expect(sent.some((s) => s.method === 'POST' && s.url.endsWith('/templates'))).toBe(true),
    );
    expect(sent.find((s) => s.url.endsWith('/templates'))?.body).toEqual({ name: 'web', source: GOOD });
  });

  it('starts from a gallery template, named after it', async () => {
    serve();
    renderWithApp(<NewTemplatePage />, { session: editors });
    const user = userEvent.setup();
    const gallery = screen.getByLabelText(/Start from the gallery/);
    await screen.findByRole('option', { name: 'one-web-server' });
    await user.selectOptions(gallery, 'one-web-server');
    expect(screen.getByLabelText('Template source')).toHaveProperty('value', GOOD);
    expect(screen.getByLabelText(/^Name/)).toHaveProperty('value', 'one-web-server');
  });
});

describe('a template page', () => {
  const renderPage = () =>
    renderWithApp(
      <Routes>
        <Route path="/templates/:id" element={<TemplatePage />} />
      </Routes>,
      { session: editors, route: `/templates/${ID}` },
    );

  it('saves a changed source as a new version', async () => {
    const sent = serve();
    renderPage();
    const source = await screen.findByLabelText('Template source');
    expect(saveButton()).toHaveProperty('disabled', true);
    expect(screen.getByRole('status').textContent).toBe('Nothing has changed since the current version.');
    const changed = GOOD.replace('fra1', 'nyc1');
    fireEvent.change(source, { target: { value: changed } });
    await waitFor(() => expect(saveButton()).toHaveProperty('disabled', false), { timeout: 2000 });
    await userEvent.setup().click(saveButton());
    await waitFor(() => expect(sent.some((s) => s.method === 'PATCH')).toBe(true));
    expect(sent.find((s) => s.method === 'PATCH')).toMatchObject({
      url: `/api/v1/templates/${ID}`,
      body: { source: changed },
    });
  });

  it('lists the versions newest first and shows an older one read-only, deploying that version', async () => {
    const sent = serve();
    renderPage();
    const versions = await screen.findByRole('list', { name: 'Versions' });
    await within(versions).findByText('Version 1');
    const rows = within(versions).getAllByRole('button');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^Version 2current.*ada@example\.com/),
      expect.stringMatching(/^Version 1grace@example\.com/),
    ]);
    await userEvent.setup().click(rows[1]!);
    const source = screen.getByLabelText('Template source');
    expect(source).toHaveProperty('readOnly', true);
    expect((source as HTMLTextAreaElement).value).toContain('location: ams3');
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();

    // Deploying it asks for that version's inputs and names that version.
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Deploy this version' }));
    const dialog = screen.getByRole('dialog', { name: 'Deploy web, version 1' });
    await user.type(within(dialog).getByLabelText(/Stack name/), 'shop');
    await user.type(within(dialog).getByLabelText(/^cloud/), 'DO');
    await user.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(sent.some((s) => s.url.endsWith('/stacks'))).toBe(true));
    expect(sent.find((s) => s.url.endsWith('/stacks'))?.body).toEqual({
      templateId: ID,
      version: 1,
      name: 'shop',
      inputs: { cloud: 'DO' },
    });
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, sessionWith } from '../../test/render';
import { TemplatePage } from './TemplatePage';
import { TemplatesPage } from './TemplatesPage';

// Templates imported from Git: the pin shown, read-only source, "Update from Git", the import form.

const ID = '00000000-0000-4000-8000-0000000000b2';
const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const SOURCE = 'resources:\n  machines:\n    web: {cloud: DO, size: s, image: i, location: l}\n';
const git = (commit: string) => ({
  url: 'https://git.example.com/acme/infra.git',
  ref: 'main',
  path: 'stacks/web.yaml',
  commit,
  hasToken: true,
});
const template = (version: number, commit: string) => ({
  id: ID,
  name: 'web',
  description: '',
  version,
  source: SOURCE,
  inputs: {},
  changedBy: 'ada@example.com',
  git: git(commit),
  createdAt: '2026-12-03T00:00:00.000Z',
  updatedAt: '2026-12-03T00:00:00.000Z',
});

function serve(answers: { import?: { status: number; body: unknown } } = {}) {
  const sent: { method: string; url: string; body: unknown }[] = [];
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      if (init?.body) sent.push({ method, url, body: JSON.parse(String(init.body)) });
      if (url.endsWith('/update-from-git'))
        return json({ changed: true, fromCommit: OLD, toCommit: NEW, template: template(2, NEW) });
      if (url.endsWith('/templates/import'))
        return json(answers.import?.body ?? template(1, OLD), answers.import?.status ?? 201);
      if (url.endsWith(`/templates/${ID}/versions`))
        return json({
          items: [
            {
              version: 1,
              source: SOURCE,
              inputs: {},
              createdBy: 'ada',
              createdAt: '2026-12-03T00:00:00.000Z',
              git: { url: git(OLD).url, path: git(OLD).path, commit: OLD },
            },
          ],
        });
      if (url.endsWith(`/templates/${ID}`)) return json(template(1, OLD));
      if (url.endsWith('/templates')) return json({ items: [template(1, OLD)] });
      return json({ error: { code: 'not_found', message: 'Not found' } }, 404);
    }),
  );
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

const editors = sessionWith({ templates: ['read', 'create', 'edit'], stacks: ['read', 'create'] }, 'admin');

describe('a template imported from Git', () => {
  it('shows where it comes from, is read-only, and updates from Git showing the old and new commit', async () => {
    const sent = serve();
    renderWithApp(
      <Routes>
        <Route path="/templates/:id" element={<TemplatePage />} />
      </Routes>,
      { session: editors, route: `/templates/${ID}` },
    );
    const source = await screen.findByLabelText('Template source');
    expect(source).toHaveProperty('readOnly', true);
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.getByRole('link', { name: git(OLD).url })).toBeTruthy();
    expect(screen.getByText('stacks/web.yaml')).toBeTruthy();
    const versions = await screen.findByRole('list', { name: 'Versions' });
    await within(versions).findByText(OLD.slice(0, 12));

    await userEvent.setup().click(screen.getByRole('button', { name: 'Update from Git' }));
    await waitFor(() =>
      expect(sent.some((s) => s.url.endsWith(`/templates/${ID}/update-from-git`))).toBe(true),
    );
    const result = await screen.findByText(/New version 2/);
    expect(result.textContent).toBe(`New version 2: ${OLD.slice(0, 12)} → ${NEW.slice(0, 12)}`);
  });
});

describe('the templates list', () => {
  it('offers to open, not edit, a template that changes in its repository', async () => {
    serve();
    renderWithApp(<TemplatesPage />, { session: editors });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'More actions for web' }));
    expect(await screen.findByRole('menuitem', { name: 'Open' })).toBeTruthy();
    expect(screen.queryByRole('menuitem', { name: 'Edit' })).toBeNull();
  });
});

describe('Import from Git', () => {
  const open = async () => {
    renderWithApp(<TemplatesPage />, { session: editors });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Import from Git' }));
    return screen.getByRole('dialog', { name: 'Import from Git' });
  };

  it('sends the repository, ref, path and token', async () => {
    const sent = serve();
    const dialog = await open();
    const user = userEvent.setup();
    await user.type(within(dialog).getByLabelText(/^Name/), 'web');
    await user.type(
      within(dialog).getByLabelText(/^Repository URL/),
      'https://git.example.com/acme/infra.git',
    );
    await user.type(within(dialog).getByLabelText(/^Branch, tag or commit/), 'v2');
    await user.type(within(dialog).getByLabelText(/^File/), 'stacks/web.yaml');
    await user.type(within(dialog).getByLabelText(/^Access token/), 'tok');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(sent.some((s) => s.url.endsWith('/templates/import'))).toBe(true));
    expect(sent.find((s) => s.url.endsWith('/templates/import'))?.body).toEqual({
      name: 'web',
      url: 'https://git.example.com/acme/infra.git',
      ref: 'v2',
      path: 'stacks/web.yaml',
      token: 'tok',
    });
  });

  it("shows the server's refusal beside the field it names, and refuses an ssh address before sending", async () => {
    const sent = serve({
      import: {
        status: 400,
        body: {
          error: {
            code: 'git_file_not_found',
            message: 'No file stacks/db.yaml at that commit.',
            field: 'body.path',
          },
        },
      },
    });
    const dialog = await open();
    const user = userEvent.setup();
    await user.type(within(dialog).getByLabelText(/^Name/), 'web');
    await user.type(within(dialog).getByLabelText(/^Repository URL/), 'git@example.com:acme/infra.git');
    await user.type(within(dialog).getByLabelText(/^File/), 'stacks/db.yaml');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(within(dialog).getByText(/SSH addresses are not used/)).toBeTruthy();
    expect(sent.some((s) => s.url.endsWith('/templates/import'))).toBe(false);

    const url = within(dialog).getByLabelText(/^Repository URL/);
    await user.clear(url);
    await user.type(url, 'https://git.example.com/acme/infra.git');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(await within(dialog).findByText('No file stacks/db.yaml at that commit.')).toBeTruthy();
    expect(within(dialog).getByLabelText(/^File/).getAttribute('aria-invalid')).toBe('true');
  });
});

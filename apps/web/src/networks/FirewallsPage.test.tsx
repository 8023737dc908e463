import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, sessionWith } from '../../test/render';
import type { Cloud, Firewall, Machine, ProviderInfo } from '../api/types';
import { unknownProvider } from '../providers/meta';
import { FirewallsPage } from './FirewallsPage';

const C1 = '00000000-0000-4000-8000-0000000000c1';
const C2 = '00000000-0000-4000-8000-0000000000c2';
const M1 = '00000000-0000-4000-8000-0000000000a1';
const M2 = '00000000-0000-4000-8000-0000000000a2';

const provider = (kind: string, firewallsMade: boolean): ProviderInfo => {
  const base = unknownProvider(kind);
  return { ...base, features: { ...base.features, networks: true, firewalls: true, firewallsMade } };
};

const cloud = (id: string, kind: string, title: string) =>
  ({ id, provider: kind, title, enabled: true }) as Cloud;

const firewall = (id: string, cloudId: string, name: string): Firewall => ({
  id,
  cloudId,
  cloudTitle: cloudId === C1 ? 'Cluster' : 'Groups',
  externalId: name,
  name,
  description: '',
  networkId: null,
  networkName: null,
  rules: [],
  machines: [{ externalId: 'web/front', machineId: M1, name: 'front' }],
  readOnly: false,
  warnings: [],
});

const machine = (id: string, name: string) =>
  ({ id, name, state: 'running', cloudId: C1, cloudTitle: 'Cluster' }) as Machine;

interface Answer {
  status: number;
  body?: unknown;
}

/**
 * A stand-in for the API: a policy-making provider (KubeVirt-like) and one whose firewalls come
 * with its networks, a cloud of each, their firewalls, and the answers to POST and DELETE.
 */
function serve({ makes = true, create, remove }: { makes?: boolean; create?: Answer; remove?: Answer } = {}) {
  const requests: { method: string; url: string; body: unknown }[] = [];
  let firewalls = [firewall('f1', C1, 'front-ssh'), firewall('f2', C2, 'sg-web')];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      requests.push({ method, url, body });
      const json = (status: number, value?: unknown) =>
        value === undefined
          ? new Response(null, { status })
          : new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
      const path = url.replace('/api/v1', '');
      if (path === '/providers')
        return json(200, { items: [provider('policies', makes), provider('groups', false)] });
      if (path === '/clouds')
        return json(200, { items: [cloud(C1, 'policies', 'Cluster'), cloud(C2, 'groups', 'Groups')] });
      if (path.startsWith('/machines'))
        return json(200, { items: [machine(M1, 'front'), machine(M2, 'db')], nextCursor: null, total: 2 });
      if (path.startsWith('/firewalls') && method === 'GET') return json(200, { items: firewalls });
      if (path === '/firewalls' && method === 'POST') {
        const answer = create ?? { status: 201, body: firewall('f3', C1, body.name) };
        if (answer.status === 201) firewalls = [...firewalls, answer.body as Firewall];
        return json(answer.status, answer.body);
      }
      if (path.startsWith('/firewalls/') && method === 'DELETE') {
        const answer = remove ?? { status: 204 };
        if (answer.status === 204) firewalls = firewalls.filter((f) => !path.endsWith(f.id));
        return json(answer.status, answer.body);
      }
      return json(404, { error: { code: 'not_found', message: 'Not found' } });
    }),
  );
  return requests;
}

const everyRight = sessionWith({ networks: ['read', 'create', 'edit', 'delete'] });

beforeEach(() => vi.unstubAllGlobals());
afterEach(() => vi.unstubAllGlobals());

describe('FirewallsPage', () => {
  it('offers "New firewall" and "Delete firewall" only where the provider makes firewalls', async () => {
    serve();
    renderWithApp(<FirewallsPage />, { session: everyRight });
    expect(await screen.findByRole('button', { name: 'New firewall' })).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Delete firewall front-ssh' })).toBeTruthy();
    // The security group comes with its provider's networks: its rules change, it stays.
    expect(screen.queryByRole('button', { name: 'Delete firewall sg-web' })).toBeNull();
  });

  it('offers neither when no connected provider makes firewalls', async () => {
    const requests = serve({ makes: false });
    renderWithApp(<FirewallsPage />, { session: everyRight });
    await screen.findByText('sg-web');
    await waitFor(() => expect(requests.some((r) => r.url.endsWith('/providers'))).toBe(true));
    await waitFor(() => expect(requests.some((r) => r.url.endsWith('/clouds'))).toBe(true));
    expect(screen.queryByRole('button', { name: 'New firewall' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Delete firewall/ })).toBeNull();
  });

  it('offers neither to someone who may only read networks', async () => {
    serve();
    renderWithApp(<FirewallsPage />, { session: sessionWith({ networks: ['read'] }) });
    await screen.findByText('front-ssh');
    await screen.findByText('sg-web');
    expect(screen.queryByRole('button', { name: 'New firewall' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Delete firewall/ })).toBeNull();
  });

  it("makes a firewall for the chosen machines of the provider's cloud, and lists it", async () => {
    const requests = serve();
    renderWithApp(<FirewallsPage />, { session: everyRight });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New firewall' }));
    const dialog = await screen.findByRole('dialog', { name: 'New firewall' });
    // Only the cloud whose provider makes firewalls is offered.
    const cloudSelect = within(dialog).getByRole('combobox', { name: 'Cloud' });
    expect(
      within(cloudSelect)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Cluster']);
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'db-only');
    await user.click(await within(dialog).findByRole('checkbox', { name: /db/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Create firewall' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New firewall' })).toBeNull());
    expect(requests.filter((r) => r.method === 'POST')).toEqual([
      { method: 'POST', url: '/api/v1/firewalls', body: { cloudId: C1, name: 'db-only', machineIds: [M2] } },
    ]);
    // The machines offered were asked of that cloud alone.
    expect(requests.some((r) => r.url.startsWith('/api/v1/machines') && r.url.includes(`cloud=${C1}`))).toBe(
      true,
    );
    expect(await screen.findByRole('heading', { name: 'db-only' })).toBeTruthy();
  });

  it('asks for a name the API takes and at least one machine before sending anything', async () => {
    const requests = serve();
    renderWithApp(<FirewallsPage />, { session: everyRight });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New firewall' }));
    const dialog = await screen.findByRole('dialog', { name: 'New firewall' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), '-web/1');
    await user.click(within(dialog).getByRole('button', { name: 'Create firewall' }));

    expect(
      within(dialog).getByText(
        'Letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit.',
      ),
    ).toBeTruthy();
    expect(within(dialog).getByText('Choose at least one machine.')).toBeTruthy();
    expect(requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it("shows the API's refusal in its own words and keeps the dialog open", async () => {
    const refusal =
      'KubeVirt refused creating the firewall DB: A NetworkPolicy name must be lowercase letters, digits and dashes (at most 63), as Kubernetes names objects.';
    serve({ create: { status: 422, body: { error: { code: 'provider_refused', message: refusal } } } });
    renderWithApp(<FirewallsPage />, { session: everyRight });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New firewall' }));
    const dialog = await screen.findByRole('dialog', { name: 'New firewall' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'DB');
    await user.click(await within(dialog).findByRole('checkbox', { name: /front/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Create firewall' }));

    expect(await within(dialog).findByText(refusal)).toBeTruthy();
    expect(screen.getByRole('dialog', { name: 'New firewall' })).toBeTruthy();
  });

  it('puts a refusal that names the machines beside them', async () => {
    const message = 'Some of those machines are not in Cluster.';
    serve({
      create: {
        status: 404,
        body: { error: { code: 'machine_not_found', message, field: 'body.machineIds' } },
      },
    });
    renderWithApp(<FirewallsPage />, { session: everyRight });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New firewall' }));
    const dialog = await screen.findByRole('dialog', { name: 'New firewall' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'web');
    await user.click(await within(dialog).findByRole('checkbox', { name: /front/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Create firewall' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toBe(message);
    expect(within(dialog).getAllByText(message)).toHaveLength(1);
  });

  it('asks before deleting a firewall, then deletes it and drops it from the list', async () => {
    const requests = serve();
    renderWithApp(<FirewallsPage />, { session: everyRight });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete firewall front-ssh' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete front-ssh?' });
    expect(dialog.textContent).toContain('front-ssh and its rules are deleted in Cluster');
    expect(requests.filter((r) => r.method === 'DELETE')).toEqual([]);

    await user.click(within(dialog).getByRole('button', { name: 'Delete firewall' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete front-ssh?' })).toBeNull());
    expect(requests.filter((r) => r.method === 'DELETE').map((r) => r.url)).toEqual(['/api/v1/firewalls/f1']);
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'front-ssh' })).toBeNull());
  });

  it('sends nothing when the deletion is cancelled', async () => {
    const requests = serve();
    renderWithApp(<FirewallsPage />, { session: everyRight });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete firewall front-ssh' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete front-ssh?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete front-ssh?' })).toBeNull());
    expect(requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(screen.getByRole('heading', { name: 'front-ssh' })).toBeTruthy();
  });
});

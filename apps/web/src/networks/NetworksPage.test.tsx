import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderWithApp, sessionWith, testQueryClient } from '../../test/render';
import { cloudsQuery } from '../api/clouds';
import { networkListQuery } from '../api/networks';
import { providersQuery } from '../api/providers';
import type { Cloud, Network, ProviderInfo } from '../api/types';
import { unknownProvider } from '../providers/meta';
import { NetworksPage } from './NetworksPage';

const provider = (kind: string, subnets: boolean, firewalls = subnets): ProviderInfo => {
  const base = unknownProvider(kind);
  return { ...base, features: { ...base.features, networks: true, subnets, firewalls } };
};

const cloud = (id: string, kind: string) => ({ id, provider: kind, title: kind, enabled: true }) as Cloud;

const network = (id: string, cloudId: string, name: string): Network => ({
  id,
  cloudId,
  cloudTitle: cloudId,
  externalId: name,
  name,
  cidr: null,
  region: null,
  isDefault: false,
  subnetCount: 0,
  machineCount: 0,
  updatedAt: '2026-12-03T00:00:00.000Z',
});

describe('NetworksPage', () => {
  it('offers "Add subnet" only for networks whose provider has subnets', async () => {
    const queryClient = testQueryClient();
    queryClient.setQueryData(providersQuery.queryKey, [
      provider('withsubnets', true),
      provider('flat', false),
    ]);
    queryClient.setQueryData(cloudsQuery.queryKey, [cloud('c1', 'withsubnets'), cloud('c2', 'flat')]);
    queryClient.setQueryData(networkListQuery().queryKey, {
      items: [network('n1', 'c1', 'vpc-with'), network('n2', 'c2', 'vpc-flat')],
    });
    renderWithApp(<NetworksPage />, {
      queryClient,
      session: sessionWith({ networks: ['read', 'create', 'edit', 'delete'] }),
    });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'More actions for vpc-with' }));
    expect(await screen.findByRole('menuitem', { name: 'Add subnet' })).toBeTruthy();
    await user.keyboard('{Escape}');

    await user.click(screen.getByRole('button', { name: 'More actions for vpc-flat' }));
    const menu = await screen.findByRole('menu');
    expect(within(menu).queryByRole('menuitem', { name: 'Add subnet' })).toBeNull();
    expect(within(menu).getByRole('menuitem', { name: 'Delete' })).toBeTruthy();
  });

  it('links to firewalls only for networks whose provider has them', async () => {
    const queryClient = testQueryClient();
    queryClient.setQueryData(providersQuery.queryKey, [
      provider('withfirewalls', true),
      provider('hostnet', false, false),
    ]);
    queryClient.setQueryData(cloudsQuery.queryKey, [cloud('c1', 'withfirewalls'), cloud('c2', 'hostnet')]);
    queryClient.setQueryData(networkListQuery().queryKey, {
      items: [network('n1', 'c1', 'vpc-guarded'), network('n2', 'c2', 'bridge')],
    });
    const { container } = renderWithApp(<NetworksPage />, {
      queryClient,
      session: sessionWith({ networks: ['read'] }),
    });
    await screen.findByText('bridge');
    const row = (name: string) => container.querySelector(`[data-network="${name}"]`) as HTMLElement;
    expect(within(row('vpc-guarded')).getByRole('link', { name: 'Firewalls' })).toBeTruthy();
    expect(within(row('bridge')).queryByRole('link', { name: 'Firewalls' })).toBeNull();
    expect(within(row('bridge')).getByText('none: the host controls its traffic')).toBeTruthy();
  });
});

// The Hetzner Cloud emulator's networks and firewalls on the wire: what servers show of them,
// Hetzner's refusals, and bad rules that change nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTokenApi as call } from '../common/token-api-call';
import { type HetznerSim, startHetznerSim } from './index';

let sim: HetznerSim;
const project = () => sim.project('tok');

beforeAll(async () => {
  sim = await startHetznerSim({
    projects: [{ token: 'tok', servers: 4, namePrefix: 'web' }],
    bootDelayMs: 0,
  });
});
afterAll(() => sim.close());

describe('Hetzner Cloud emulator: networks and firewalls', () => {
  it('shows on each server the networks it is in and the firewalls that reach it', async () => {
    const made = await call(sim, 'POST', '/v1/firewalls', {
      name: 'prod-only',
      rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0'] }],
      apply_to: [{ type: 'label_selector', label_selector: { selector: 'env=prod' } }],
    });
    expect(made.status).toBe(201);
    const firewallId = made.json.firewall.id;
    const [network] = (await call(sim, 'GET', '/v1/networks')).json.networks;
    const servers = (await call(sim, 'GET', '/v1/servers')).json.servers;
    for (const s of servers) {
      expect(s.private_net).toEqual([
        expect.objectContaining({ network: network.id, ip: expect.stringMatching(/^127\./) }),
      ]);
      const prod = s.labels.env === 'prod';
      expect(s.public_net.firewalls).toEqual(prod ? [{ id: firewallId, status: 'applied' }] : []);
    }
    const listed = (await call(sim, 'GET', '/v1/firewalls?per_page=1')).json;
    expect(listed.firewalls[0].applied_to[0].applied_to_resources).toHaveLength(2);
    expect(listed.meta.pagination).toMatchObject({ per_page: 1, total_entries: 1, next_page: null });

    const inUse = await call(sim, 'DELETE', `/v1/firewalls/${firewallId}`);
    expect(inUse.status).toBe(409);
    expect(inUse.json.error).toMatchObject({ code: 'resource_in_use', message: 'firewall is still in use' });
  });

  it('refuses a bad rule list whole, in its own words, and keeps the rules it had', async () => {
    const { firewall } = (
      await call(sim, 'POST', '/v1/firewalls', {
        name: 'edge',
        rules: [{ direction: 'in', protocol: 'tcp', port: '443', source_ips: ['0.0.0.0/0'] }],
      })
    ).json;
    const bad = [
      [{ direction: 'in', protocol: 'icmp', port: '22', source_ips: ['0.0.0.0/0'] }, 'rules.port'],
      [{ direction: 'in', protocol: 'tcp', port: '0-80', source_ips: ['0.0.0.0/0'] }, 'rules.port'],
      [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: [] }, 'rules.source_ips'],
      [
        { direction: 'out', protocol: 'udp', port: '53', destination_ips: ['10.0.0.1/8'] },
        'rules.destination_ips',
      ],
      [{ direction: 'sideways', protocol: 'tcp', port: '22' }, 'rules.direction'],
      [{ direction: 'in', protocol: 'sctp', source_ips: ['0.0.0.0/0'] }, 'rules.protocol'],
    ] as const;
    for (const [rule, field] of bad) {
      const res = await call(sim, 'POST', `/v1/firewalls/${firewall.id}/actions/set_rules`, {
        rules: [{ direction: 'in', protocol: 'tcp', port: '80', source_ips: ['0.0.0.0/0'] }, rule],
      });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({
        code: 'invalid_input',
        message: `invalid input in field '${field}'`,
      });
    }
    expect(
      project()
        .net.firewall(firewall.id)
        .rules.map((r) => r.port),
    ).toEqual(['443']);
    const nul = await call(sim, 'POST', '/v1/firewalls', { name: 'a\u0000b' });
    expect(nul.json.error.code).toBe('invalid_input');
    const again = await call(sim, 'POST', '/v1/firewalls', { name: 'edge' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('uniqueness_error');
  });

  it('deletes a network with servers in it and detaches them, as Hetzner does', async () => {
    const [network] = (await call(sim, 'GET', '/v1/networks')).json.networks;
    expect(network.servers).toHaveLength(4);
    expect((await call(sim, 'DELETE', `/v1/networks/${network.id}`)).status).toBe(204);
    const servers = (await call(sim, 'GET', '/v1/servers')).json.servers;
    expect(servers.map((s: { private_net: unknown[] }) => s.private_net)).toEqual([[], [], [], []]);
    const gone = await call(sim, 'GET', `/v1/networks/${network.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('not_found');
  });
});

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failure } from '../common/test-support/failure';
import { createLibvirtDriver } from './driver';
import { parseNetwork } from './networks';

// libvirt's test driver: test:///default has the 'default' NAT network with the running domain
// "test" on it; the fixture node adds an isolated network nothing uses. Every virsh invocation
// starts afresh, so a change is only seen in what the call that made it answers.
const DEFAULT = 'test:///default';
const NODE = `test://${resolve(import.meta.dirname, 'fixtures/node.xml')}`;
const TEST_UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const DEFAULT_NET = 'dd8fe884-6c02-601e-7551-cca97df1c5df';
const ISOLATED_NET = '44444444-2222-3333-4444-555555555555';
const signal = () => new AbortController().signal;
const driver = (uri: string) => createLibvirtDriver({ credentials: {}, config: { uri } });

describe('libvirt networks', () => {
  it("lists the host's networks with their range, bridge, forward mode and machines", async () => {
    const networks = await driver(DEFAULT).listNetworks(signal());
    expect(networks).toEqual([
      {
        externalId: DEFAULT_NET,
        name: 'default',
        cidr: '192.168.122.0/24',
        region: null,
        isDefault: true,
        machineIds: [TEST_UUID],
        tags: {},
        extra: { bridge: 'virbr0', forwardMode: 'nat', active: true, autostart: false },
      },
    ]);
    await expect(driver(DEFAULT).listSubnets(signal())).resolves.toEqual([]);
  });

  it('reads a range given as a prefix, and an isolated network with no machines', async () => {
    const networks = await driver(NODE).listNetworks(signal());
    expect(networks.map((n) => n.name)).toEqual(['default', 'isolated']);
    expect(networks.find((n) => n.name === 'isolated')).toMatchObject({
      externalId: ISOLATED_NET,
      cidr: '10.9.0.0/24',
      isDefault: false,
      machineIds: [],
      extra: { bridge: 'virbr9', forwardMode: 'isolated' },
    });
  });

  it('parses IPv6 ranges and bridged forwarding', () => {
    const facts = parseNetwork(`<network><name>br</name><uuid>u</uuid><forward mode='bridge'/>
      <bridge name='br0'/><ip family='ipv6' address='fd00::1' prefix='64'/>
      <ip address='172.16.5.9' netmask='255.255.240.0'/></network>`);
    expect(facts).toMatchObject({
      cidr: '172.16.0.0/20',
      ipv6: 'fd00::1/64',
      forwardMode: 'bridge',
      bridge: 'br0',
    });
  });

  it('creates a started, autostarting NAT network from a name and an IPv4 range', async () => {
    const created = await driver(DEFAULT).createNetwork({ name: 'lab', cidr: '10.20.0.0/24', region: null });
    expect(created).toMatchObject({
      name: 'lab',
      cidr: '10.20.0.0/24',
      isDefault: false,
      machineIds: [],
      extra: { forwardMode: 'nat', active: true, autostart: true },
    });
    expect(created.externalId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a hostile name or a range libvirt cannot serve, before anything is sent', async () => {
    const d = driver(DEFAULT);
    for (const [name, cidr] of [
      ["lab'/><x", '10.20.0.0/24'],
      ['--help', '10.20.0.0/24'],
      ['lab', 'fd00::/64'],
      ['lab', '10.0.0.0/30'],
      ['lab', 'nonsense'],
    ] as const) {
      const err = await failure(d.createNetwork({ name, cidr, region: null }));
      expect(err.kind).toBe('invalid');
    }
  });

  it('refuses a name the host already has', async () => {
    const err = await failure(
      driver(DEFAULT).createNetwork({ name: 'default', cidr: '10.21.0.0/24', region: null }),
    );
    expect(err.message).toMatch(/default/);
  });

  it('deletes a network no machine uses, and refuses one a machine is on', async () => {
    await expect(driver(NODE).deleteNetwork(ISOLATED_NET)).resolves.toBeUndefined();
    const inUse = await failure(driver(DEFAULT).deleteNetwork(DEFAULT_NET));
    expect(inUse.kind).toBe('conflict');
    expect(inUse.message).toMatch(/default is used by test/);
    const missing = await failure(driver(DEFAULT).deleteNetwork('00000000-0000-4000-8000-000000000000'));
    expect(missing.kind).toBe('not-found');
  });
});

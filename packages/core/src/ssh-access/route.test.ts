import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { reachedAt } from './reached-at';
import { machineRoute } from './route';

const machine = {
  name: 'web',
  externalId: 'i-1',
  publicIps: ['203.0.113.5'],
  privateIps: ['10.0.0.5'],
  sshPort: null,
  sshUser: null,
};
const ec2 = { provider: 'aws' as const, config: {}, title: 'ec2' };

describe('machine route, provider-reported addresses', () => {
  it('prefers the public address, port 22 and root unless set', () => {
    expect(machineRoute(machine, ec2)).toMatchObject({
      via: 'ssh',
      address: '203.0.113.5',
      port: 22,
      user: 'root',
    });
    expect(
      machineRoute({ ...machine, sshPort: 2222, sshUser: 'ubuntu' }, ec2, { address: 'private' }),
    ).toMatchObject({ address: '10.0.0.5', port: 2222, user: 'ubuntu' });
    expect(machineRoute({ ...machine, publicIps: [] }, ec2)).toMatchObject({ address: '10.0.0.5' });
    expect(machineRoute(machine, ec2, { port: 2200 })).toMatchObject({ port: 2200 });
  });

  it('says so when there is no address', () => {
    expect(() => machineRoute({ ...machine, publicIps: [], privateIps: [] }, ec2)).toThrow(DomainError);
    expect(() => machineRoute({ ...machine, publicIps: [] }, ec2, { address: 'public' })).toThrow(
      /no public address/,
    );
  });
});

describe('machine route, SSH hosts', () => {
  const cloud = {
    provider: 'ssh_host' as const,
    title: 'rack',
    config: { hosts: [{ address: '127.0.0.1', port: 22222, username: 'root' }] },
  };
  // What the host said about itself: its eth0, and addresses that point back at Overcast.
  const host = {
    ...machine,
    externalId: '127.0.0.1:22222',
    publicIps: ['::ffff:127.0.0.1', '0.0.0.0', '198.51.100.7'],
    privateIps: ['192.168.1.4'],
  };

  it('is the address, port and user the host was added with, never one it reports', () => {
    const route = machineRoute(host, cloud);
    expect(route).toEqual({
      via: 'ssh',
      address: '127.0.0.1',
      port: 22222,
      user: 'root',
      source: 'cloud',
      reason: "reached at 127.0.0.1:22222 as root, from the cloud's settings",
    });
    expect(machineRoute({ ...host, sshPort: 2200 }, cloud)).toMatchObject({ port: 22222 });
    expect(machineRoute({ ...host, sshUser: 'ops' }, cloud)).toMatchObject({ user: 'ops' });
  });

  it('refuses an address or port chosen at connect time', () => {
    expect(() => machineRoute(host, cloud, { address: 'private' })).toThrow(
      /address and port it was added with/,
    );
    expect(() => machineRoute(host, cloud, { port: 22 })).toThrow(DomainError);
  });

  it('has none for a host no longer in the settings', () => {
    expect(reachedAt({ ...host, externalId: '127.0.0.1:22' }, cloud)).toMatchObject({
      via: 'none',
      address: null,
    });
  });
});

describe('machine route, containers', () => {
  it('goes through the engine, not SSH to the container address', () => {
    const route = reachedAt(machine, { provider: 'docker', config: {}, title: 'local engine' });
    expect(route).toMatchObject({ via: 'docker-exec', address: null, port: null });
    expect(route.reason).toContain('local engine');
  });
});

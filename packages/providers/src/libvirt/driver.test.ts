import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ProviderError, type RemoteMachine, type RemoteVolume } from '@overcast/contracts';
import { generateKeyPair, type KeyPair } from '@overcast/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../../test/support/sshd';
import { cmd } from './commands';
import { createLibvirtDriver, type LibvirtDriver } from './driver';
import { LocalRunner } from './runner';
import { Virsh } from './virsh';

// libvirt's test driver: test:///default has one running domain "test"; the fixture node adds
// images, volumes, a shut-off and a paused domain. Every virsh invocation starts afresh, so a
// change is only visible inside the invocation that made it.
const DEFAULT = 'test:///default';
const NODE = `test://${resolve(import.meta.dirname, 'fixtures/node.xml')}`;
const TEST_UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const WEB = '11111111-2222-3333-4444-555555555555';
const DB = '22222222-2222-3333-4444-555555555555';
const PAUSED = '33333333-2222-3333-4444-555555555555';
const MISSING = '00000000-0000-4000-8000-000000000000';

let sshd: SshdHandle;
let key: KeyPair;

beforeAll(async () => {
  key = await generateKeyPair();
  sshd = await startSshd({ authorizedKeys: [key.publicKey] });
});
afterAll(() => sshd?.stop());

type Transport = 'local' | 'ssh';

function driver(transport: Transport, uri: string, extra: Record<string, unknown> = {}): LibvirtDriver {
  if (transport === 'local') return createLibvirtDriver({ credentials: {}, config: { uri, ...extra } });
  return createLibvirtDriver({
    credentials: { privateKey: key.privateKey },
    config: { uri, host: { address: sshd.host, port: sshd.port, username: sshd.user }, ...extra },
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe.each<Transport>(['local', 'ssh'])('libvirt driver (%s)', (transport) => {
  it('validates the connection', async () => {
    await expect(driver(transport, DEFAULT).validate()).resolves.toBeUndefined();
  });

  it('lists the test domain with its facts', async () => {
    const machines = await collect(driver(transport, DEFAULT).listMachines(new AbortController().signal));
    expect(machines).toHaveLength(1);
    const [test] = machines as [RemoteMachine];
    expect(test).toMatchObject({
      externalId: TEST_UUID,
      name: 'test',
      state: 'running',
      rawState: 'running',
      size: '2 vCPU / 2048 MiB',
      location: transport === 'local' ? 'localhost' : sshd.host,
      privateIps: ['192.168.122.3'],
      publicIps: [],
      createdAt: null,
      tags: {},
    });
    expect(test.extra).toMatchObject({
      vcpus: 2,
      memoryMb: 2048,
      maxMemoryMb: 8192,
      hypervisor: 'test',
      persistent: true,
      autostart: false,
    });
    expect(test.extra.disks).toEqual([
      {
        device: 'disk',
        target: 'vda',
        bus: 'virtio',
        source: '/guest/diskimage1',
        format: null,
        backing: [],
      },
    ]);
    expect(test.extra.interfaces).toEqual([
      expect.objectContaining({
        mac: 'aa:bb:cc:dd:ee:ff',
        source: 'default',
        addresses: ['192.168.122.3/24'],
      }),
    ]);
    expect(JSON.parse(JSON.stringify(test.extra))).toEqual(test.extra);
  });

  it('maps every state of the fixture host', async () => {
    const machines = await collect(driver(transport, NODE).listMachines(new AbortController().signal));
    const byName = Object.fromEntries(machines.map((m) => [m.name, [m.state, m.rawState]]));
    expect(byName).toEqual({
      'web-1': ['running', 'running'],
      'db-1': ['stopped', 'shut off'],
      'paused-1': ['stopped', 'paused'],
    });
  });

  it('runs power actions, and says why when libvirt refuses', async () => {
    const d = driver(transport, DEFAULT);
    await d.machineAction(TEST_UUID, 'stop');
    await d.machineAction(TEST_UUID, 'reboot');
    const already = await failure(d.machineAction(TEST_UUID, 'start'));
    expect(already.kind).toBe('invalid');
    expect(already.message).toBe('Domain is already active');
    const missing = await failure(d.machineAction(MISSING, 'stop'));
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toContain(MISSING);
    expect((await failure(d.machineAction('$(reboot)', 'stop'))).kind).toBe('invalid');
  });

  it('starts a shut-off domain and resumes a paused one', async () => {
    const d = driver(transport, NODE);
    await d.machineAction(DB, 'start');
    await d.machineAction(PAUSED, 'start');
    expect((await failure(d.machineAction(WEB, 'start'))).kind).toBe('invalid');
  });

  it('renames only stopped domains', async () => {
    const d = driver(transport, NODE);
    const running = await failure(d.machineAction(WEB, 'rename', { name: 'web-2' }));
    expect(running.kind).toBe('invalid');
    expect(running.message).toMatch(/^Stop the machine before renaming it/);
    await d.machineAction(DB, 'rename', { name: 'db-2' });
    expect((await failure(d.machineAction(DB, 'rename', { name: '; rm -rf /' }))).kind).toBe('invalid');
    expect((await failure(d.machineAction(DB, 'rename'))).kind).toBe('invalid');
  });

  it('destroys a machine: power off and undefine', async () => {
    await driver(transport, DEFAULT).machineAction(TEST_UUID, 'destroy');
    await driver(transport, NODE).machineAction(DB, 'destroy');
    expect((await failure(driver(transport, DEFAULT).machineAction(MISSING, 'destroy'))).kind).toBe(
      'not-found',
    );
  });

  it('lists volumes with their attachments, and images', async () => {
    const d = driver(transport, NODE);
    const volumes = await collect(d.listVolumes(new AbortController().signal));
    const byName = Object.fromEntries(volumes.map((v) => [v.name, v]));
    expect(Object.keys(byName).sort()).toEqual([
      'data.qcow2',
      'debian-12.iso',
      'ubuntu-24.04.qcow2',
      'web-1.qcow2',
    ]);
    expect(byName['web-1.qcow2']).toMatchObject({
      externalId: '/var/lib/libvirt/images/web-1.qcow2',
      sizeGb: 10,
      state: 'in-use',
      rawState: '',
      attachedTo: [WEB],
    } satisfies Partial<RemoteVolume>);
    expect(byName['data.qcow2']?.attachedTo).toEqual([DB]);
    expect(byName['ubuntu-24.04.qcow2']).toMatchObject({ state: 'available', attachedTo: [] });

    const images = await d.listImages();
    expect(images.map((i) => [i.name, i.os]).sort()).toEqual([
      ['debian-12.iso', 'debian'],
      ['ubuntu-24.04.qcow2', 'ubuntu'],
    ]);
    expect(await driver(transport, DEFAULT).listImages()).toEqual([]);
  });

  it('offers sizes that fit the host, and the host as the location', async () => {
    const d = driver(transport, NODE);
    const sizes = await d.listSizes();
    // The fixture host has 8 CPUs and 16 GiB.
    expect(sizes.map((s) => s.externalId)).toEqual([
      '1x512',
      '1x1024',
      '1x2048',
      '2x2048',
      '2x4096',
      '4x4096',
      '4x8192',
      '8x16384',
    ]);
    expect(sizes[3]).toMatchObject({ name: '2 vCPU / 2048 MiB', cpus: 2, memoryMb: 2048, diskGb: null });
    const [location] = await d.listLocations();
    expect(location).toMatchObject({
      externalId: transport === 'local' ? 'localhost' : sshd.host,
      country: null,
    });
    expect(location?.extra).toMatchObject({ uri: NODE, cpus: 8, memoryMb: 16384 });
  });

  it('creates a machine on an overlay of the image and starts it', async () => {
    const machine = await driver(transport, NODE).createMachine({
      name: 'api-1',
      size: '2x2048',
      image: '/srv/images/ubuntu-24.04.qcow2',
      location: 'localhost',
      tags: { team: 'core', "it's": '$(x)' },
    });
    expect(machine).toMatchObject({
      name: 'api-1',
      state: 'running',
      size: '2 vCPU / 2048 MiB',
      image: '/srv/images/ubuntu-24.04.qcow2',
      tags: { team: 'core', "it's": '$(x)' },
    });
    expect(machine.externalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(machine.extra.bootVolume).toBe('/var/lib/libvirt/images/api-1.qcow2');
    expect(machine.extra.disks).toEqual([
      expect.objectContaining({
        target: 'vda',
        source: '/var/lib/libvirt/images/api-1.qcow2',
        format: 'qcow2',
      }),
    ]);
    expect(machine.extra.interfaces).toEqual([
      expect.objectContaining({ type: 'network', source: 'default' }),
    ]);
  });

  it('boots an ISO from a cdrom with a blank disk', async () => {
    const machine = await driver(transport, NODE).createMachine({
      name: 'installer',
      size: '1 vCPU / 1024 MiB',
      image: '/srv/images/debian-12.iso',
      location: 'localhost',
    });
    const disks = machine.extra.disks as { device: string; source: string }[];
    expect(disks.map((d) => [d.device, d.source])).toEqual([
      ['disk', '/var/lib/libvirt/images/installer.qcow2'],
      ['cdrom', '/srv/images/debian-12.iso'],
    ]);
  });

  it('refuses what it cannot create', async () => {
    const d = driver(transport, NODE);
    const base = {
      name: 'x-1',
      size: '1x512',
      image: '/srv/images/ubuntu-24.04.qcow2',
      location: 'localhost',
    };
    expect((await failure(d.createMachine({ ...base, image: '/srv/images/nope.qcow2' }))).kind).toBe(
      'not-found',
    );
    expect((await failure(d.createMachine({ ...base, name: 'web-1' }))).kind).toBe('conflict');
    expect((await failure(d.createMachine({ ...base, size: 'big' }))).kind).toBe('invalid');
    expect((await failure(d.createMachine({ ...base, name: '$(touch /tmp/x)' }))).kind).toBe('invalid');
    const key = await failure(
      d.createMachine({ ...base, sshKey: { name: 'k', publicKey: 'ssh-ed25519 AAAA' } }),
    );
    expect(key.kind).toBe('invalid');
    expect(key.message).toMatch(/SSH key/);
  });

  it('creates and deletes volumes; refuses to delete a disk in use', async () => {
    const d = driver(transport, NODE);
    const volume = await d.volumeAction({
      op: 'create',
      name: 'scratch.qcow2',
      sizeGb: 2,
      location: 'localhost',
    });
    expect(volume).toMatchObject({
      externalId: '/var/lib/libvirt/images/scratch.qcow2',
      name: 'scratch.qcow2',
      sizeGb: 2,
      state: 'available',
      extra: expect.objectContaining({ pool: 'default', format: 'qcow2' }),
    });
    const inImages = await d.volumeAction({ op: 'create', name: 'more.img', sizeGb: 1, location: 'images' });
    expect(inImages?.extra.pool).toBe('images');
    await d.volumeAction({ op: 'delete', volumeId: '/srv/images/debian-12.iso' });
    const busy = await failure(
      d.volumeAction({ op: 'delete', volumeId: '/var/lib/libvirt/images/web-1.qcow2' }),
    );
    expect(busy.kind).toBe('conflict');
    expect(busy.message).toMatch(/web-1/);
    expect((await failure(d.volumeAction({ op: 'delete', volumeId: '/nope' }))).kind).toBe('not-found');
    expect(
      (await failure(d.volumeAction({ op: 'create', name: '../escape', sizeGb: 1, location: 'localhost' })))
        .kind,
    ).toBe('invalid');
  });

  it('passes attach and detach to libvirt, which the test driver does not support', async () => {
    const d = driver(transport, NODE);
    const volumeId = '/srv/images/ubuntu-24.04.qcow2';
    const attach = await failure(d.volumeAction({ op: 'attach', volumeId, machineId: DB }));
    expect(attach.kind).toBe('invalid');
    expect(attach.message).toMatch(/not supported/);
    const notAttached = await failure(d.volumeAction({ op: 'detach', volumeId, machineId: DB }));
    expect(notAttached.message).toMatch(/is not attached to db-1/);
    const detach = await failure(
      d.volumeAction({ op: 'detach', volumeId: '/var/lib/libvirt/images/data.qcow2', machineId: DB }),
    );
    expect(detach.kind).toBe('invalid');
    const again = await failure(
      d.volumeAction({ op: 'attach', volumeId: '/var/lib/libvirt/images/web-1.qcow2', machineId: WEB }),
    );
    expect(again.kind).toBe('conflict');
  });

  it('reports an unreachable hypervisor as unavailable', async () => {
    const err = await failure(
      driver(transport, 'qemu+unix:///system?socket=/nonexistent/libvirt-sock').validate(),
    );
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/failed to connect to the hypervisor/);
  });
});

describe('libvirt driver over SSH', () => {
  const remote = (config: Record<string, unknown> = {}, credentials: Record<string, unknown> = {}) =>
    createLibvirtDriver({
      credentials: { privateKey: key.privateKey, ...credentials },
      config: { uri: DEFAULT, host: { address: sshd.host, port: sshd.port, username: sshd.user }, ...config },
    });

  it('trusts the first host key and exposes it', async () => {
    const d = remote();
    expect(d.hostKey).toBeNull();
    await d.validate();
    expect(d.hostKey).toEqual({
      algorithm: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
      firstUse: true,
    });
    await remote({ hostKeyFingerprint: sshd.hostKeyFingerprint }).validate();
  });

  it('refuses a host whose key does not match', async () => {
    const err = await failure(
      remote({ hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }).validate(),
    );
    expect(err.kind).toBe('auth');
    expect(err.options.code).toBe('host-key-mismatch');
    expect(err.message).toContain(sshd.hostKeyFingerprint);
  });

  it('reports a refused key as auth', async () => {
    const other = await generateKeyPair();
    const err = await failure(remote({}, { privateKey: other.privateKey }).validate());
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/refused the key/);
  });

  it('reports a host that is down as unavailable', async () => {
    const err = await failure(
      remote({ host: { address: '127.0.0.1', port: 1, username: 'root' } }).validate(),
    );
    expect(err.kind).toBe('unavailable');
  });

  it('needs credentials to reach the host', () => {
    expect(() =>
      createLibvirtDriver({
        credentials: {},
        config: { uri: DEFAULT, host: { address: sshd.host, port: sshd.port, username: sshd.user } },
      }),
    ).toThrow(ProviderError);
  });

  it('never lets a platform value reach the remote shell', async () => {
    const marker = `/tmp/overcast-pwned-${process.pid}`;
    rmSync(marker, { force: true });
    const hostile = `$(touch ${marker})\`touch ${marker}\`; touch ${marker}'`;
    const d = remote({ uri: `test:///default${hostile}` });
    await failure(d.validate());
    await failure(remote().machineAction(TEST_UUID, 'rename', { name: hostile }));
    await failure(remote().volumeAction({ op: 'delete', volumeId: hostile }));
    expect(existsSync(marker)).toBe(false);
  });
});

describe('virsh batches', () => {
  const virsh = () => new Virsh(new LocalRunner(30_000), DEFAULT);

  it('shows state changes within one invocation and keeps each result apart', async () => {
    const results = await virsh().batch([
      cmd.domState(TEST_UUID),
      cmd.powerOff(TEST_UUID),
      cmd.domState(TEST_UUID),
      cmd.start(MISSING),
      cmd.rename(TEST_UUID, 'renamed'),
      ['list', '--all', '--name'],
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true, true]);
    expect(results[0]?.stdout.trim()).toBe('running (unknown)');
    expect(results[2]?.stdout.trim()).toBe('shut off (destroyed)');
    const failed = results[3];
    expect(failed?.ok === false && failed.error.kind).toBe('not-found');
    expect(results[5]?.stdout.trim()).toBe('renamed');
  });

  it('quotes arguments for virsh’s own parser', async () => {
    const values = [
      'a b',
      "it's",
      '$(reboot)',
      '`id`',
      'semi;colon',
      '#hash',
      'back\\slash',
      'new\nline',
      '"dq"',
    ];
    const results = await virsh().batch(values.map((v) => ['echo', '--', v]));
    expect(results.map((r) => r.stdout.replace(/\n+$/, ''))).toEqual(values);
  });

  it('throws when the hypervisor cannot be reached at all', async () => {
    const v = new Virsh(new LocalRunner(30_000), 'qemu+unix:///system?socket=/nonexistent/sock');
    await expect(v.batch([cmd.version(), cmd.hostname()])).rejects.toMatchObject({ kind: 'unavailable' });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProviderError } from '@overcast/contracts';
import { describe, expect, it } from 'vitest';
import { cloneDefinition, disksToCopy } from './clone';
import { cmd } from './commands';
import { parseDomain } from './domain';
import { createLibvirtDriver } from './driver';
import { LocalRunner } from './runner';
import { Virsh } from './virsh';

// Snapshots, resize and clone against libvirt's test driver. Every virsh invocation starts
// from the fixture host again (db-1 is shut off and has the snapshot "before-upgrade", web-1
// runs), so each case checks what one driver call did and what libvirt answered.
const NODE = `test://${resolve(import.meta.dirname, 'fixtures/node.xml')}`;
const WEB = '11111111-2222-3333-4444-555555555555';
const DB = '22222222-2222-3333-4444-555555555555';
const MISSING = '00000000-0000-4000-8000-000000000000';

const driver = () => createLibvirtDriver({ credentials: {}, config: { uri: NODE } });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe('libvirt snapshots', () => {
  it('lists a domain’s snapshots with their creation time', async () => {
    expect(await driver().listSnapshots(DB)).toEqual([
      {
        externalId: 'before-upgrade',
        name: 'before-upgrade',
        state: 'available',
        createdAt: new Date(1_780_000_000_000),
        sizeGb: null,
      },
    ]);
    expect(await driver().listSnapshots(WEB)).toEqual([]);
    expect(driver().canRevertSnapshots).toBe(true);
  });

  it('takes, reverts to and deletes snapshots, with libvirt’s refusals', async () => {
    const d = driver();
    await d.createSnapshot(WEB, 'nightly');
    const taken = await failure(d.createSnapshot(DB, 'before-upgrade'));
    expect(taken.message).toMatch(/before-upgrade/);
    await d.revertSnapshot(DB, 'before-upgrade');
    await d.deleteSnapshot(DB, 'before-upgrade');
    const unknown = await failure(d.revertSnapshot(DB, 'nope'));
    expect(unknown.kind).toBe('not-found');
    expect(unknown.message).toMatch(/nope/);
    expect((await failure(d.deleteSnapshot(WEB, 'before-upgrade'))).kind).toBe('not-found');
    expect((await failure(d.listSnapshots(MISSING))).kind).toBe('not-found');
    expect((await failure(d.createSnapshot('$(reboot)', 'x'))).kind).toBe('invalid');
  });

  it('keeps a snapshot it took, as one virsh session shows', async () => {
    // The same commands the driver runs, in one invocation, so the state carries over.
    const results = await new Virsh(new LocalRunner(30_000), NODE).batch([
      cmd.createSnapshot(WEB, 'nightly'),
      cmd.listSnapshots(WEB),
      cmd.deleteSnapshot(DB, 'before-upgrade'),
      cmd.listSnapshots(DB),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(results[1]?.stdout.trim()).toBe('nightly');
    expect(results[3]?.stdout.trim()).toBe('');
  });
});

describe('libvirt resize', () => {
  it('changes the vCPUs and memory of a shut-off domain, larger or smaller', async () => {
    await driver().resizeMachine(DB, '8x16384');
    await driver().resizeMachine(DB, '1x512');
    await driver().resizeMachine(DB, '2 vCPU / 2048 MiB');
  });

  it('refuses a running domain, a size larger than the host and a size that is not one', async () => {
    const running = await failure(driver().resizeMachine(WEB, '1x1024'));
    expect(running.kind).toBe('conflict');
    expect(running.message).toMatch(/^The domain is running: shut it down before resizing it/);
    // The fixture host has 8 CPUs and 16 GiB.
    const big = await failure(driver().resizeMachine(DB, '16x32768'));
    expect(big.kind).toBe('invalid');
    expect(big.message).toMatch(/does not fit this host \(8 CPUs, 16384 MiB\)/);
    expect((await failure(driver().resizeMachine(DB, 'huge'))).kind).toBe('invalid');
    expect((await failure(driver().resizeMachine(MISSING, '1x512'))).kind).toBe('not-found');
  });

  it('the new size is what the definition holds afterwards', async () => {
    const id = DB;
    const results = await new Virsh(new LocalRunner(30_000), NODE).batch([
      cmd.setVcpus(id, 2, true),
      cmd.setVcpus(id, 2, false),
      cmd.setMaxMemory(id, 1024),
      cmd.setMemory(id, 1024),
      cmd.domXmlInactive(id),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    const facts = parseDomain(results[4]?.stdout ?? '');
    expect([facts.vcpus, facts.maxVcpus, facts.memoryMb, facts.maxMemoryMb]).toEqual([2, 2, 1024, 1024]);
  });
});

describe('libvirt clone', () => {
  it('defines a shut-off copy with a new uuid and its own copy of each disk', async () => {
    const clone = await driver().cloneMachine(DB, 'db-2');
    expect(clone).toMatchObject({ name: 'db-2', state: 'stopped', size: '4 vCPU / 4096 MiB' });
    expect(clone.externalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(clone.externalId).not.toBe(DB);
    expect(clone.extra.disks).toEqual([
      expect.objectContaining({
        target: 'vdb',
        source: '/var/lib/libvirt/images/db-2.qcow2',
        format: 'qcow2',
      }),
    ]);
  });

  it('refuses a running domain, a name in use, a hostile name and a disk outside any pool', async () => {
    const running = await failure(driver().cloneMachine(WEB, 'web-2'));
    expect(running.kind).toBe('conflict');
    expect(running.message).toMatch(/shut it down before cloning it/);
    const taken = await failure(driver().cloneMachine(DB, 'web-1'));
    expect(taken.kind).toBe('conflict');
    expect((await failure(driver().cloneMachine(DB, '$(touch /tmp/x)'))).kind).toBe('invalid');
    // A shut-off domain whose disk is a file no pool holds.
    const dir = mkdtempSync(join(tmpdir(), 'overcast-libvirt-'));
    writeFileSync(
      join(dir, 'node.xml'),
      `<node><domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
        <name>loose</name><uuid>${MISSING}</uuid><memory unit='MiB'>512</memory><vcpu>1</vcpu>
        <os><type arch='x86_64'>hvm</type></os>
        <devices><disk type='file' device='disk'><source file='/guest/loose.img'/><target dev='vda'/></disk></devices>
        <test:runstate>5</test:runstate></domain></node>`,
    );
    try {
      const loose = createLibvirtDriver({
        credentials: {},
        config: { uri: `test://${join(dir, 'node.xml')}` },
      });
      const outside = await failure(loose.cloneMachine(MISSING, 'copy'));
      expect(outside.kind).toBe('invalid');
      expect(outside.message).toMatch(/^Disk vda \(\/guest\/loose.img\) is not a volume of a storage pool/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the copy’s definition: new name and disk, no uuid or MAC, the boot volume followed', () => {
    const source = `<domain type='kvm'>
  <name>api-1</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <metadata>
    <overcast:machine xmlns:overcast="https://overcast.dev/xmlns/libvirt/1">
      <overcast:boot-volume>/pool/api-1.qcow2</overcast:boot-volume>
      <overcast:tag key="team">a &amp; b</overcast:tag>
    </overcast:machine>
  </metadata>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/pool/api-1.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><source file='/iso/debian.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/></interface>
  </devices>
</domain>`;
    expect(disksToCopy(source)).toEqual([{ target: 'vda', source: '/pool/api-1.qcow2' }]);
    const facts = parseDomain(cloneDefinition(source, 'api-2', new Map([['vda', '/pool/api-2.qcow2']])));
    expect(facts).toMatchObject({
      name: 'api-2',
      uuid: '',
      bootVolume: '/pool/api-2.qcow2',
      tags: { team: 'a & b' },
    });
    expect(facts.disks.map((d) => d.source)).toEqual(['/pool/api-2.qcow2', '/iso/debian.iso']);
    expect(facts.interfaces).toEqual([expect.objectContaining({ mac: null, source: 'default' })]);
  });
});

import { type LinodeSim, startLinodeSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { memberCookie, send, startOrgApi } from './support/harness';

// A Linode cloud's snapshots (its Backup Service's backups) and resize through the api, against
// the Linode emulator: Linode deletes no backup, and resizes only to plans with room for the disk.

const TOKEN = 'li-token-snapshots-test';
let org: Awaited<ReturnType<typeof startOrgApi>>;
let sim: LinodeSim;
let viewer: string;
let cloudId: string;

const call = (method: string, url: string, payload?: unknown, as = org.ownerCookie) =>
  send(org.api, as, method, url, payload);
const account = () => sim.account(TOKEN);
/** The machine row and the emulator's Linode of the seeded Linode `lin-<n>`. */
async function seeded(n: number) {
  const name = `lin-${String(n).padStart(6, '0')}`;
  const row = await org.api.db.prisma.machine.findFirstOrThrow({ where: { cloudId, name } });
  return { id: row.id, linode: account().linode(Number(row.externalId)) };
}

beforeAll(async () => {
  org = await startOrgApi();
  // Every tenth seeded Linode is offline; the types go Nanode, Linode 2GB, Linode 4GB in turn.
  sim = await startLinodeSim({
    accounts: [{ token: TOKEN, linodes: 20, namePrefix: 'lin' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
  viewer = await memberCookie(org.api, org.owner.organizationId, 'viewer');
  const res = await call('POST', '/api/v1/clouds', {
    provider: 'linode',
    title: 'Linode',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
  expect(res.statusCode, res.body).toBe(201);
  cloudId = res.json().id;
  expect((await pollNow(org.api, cloudId, 'machines')).status).toBe('ok');
  expect((await pollNow(org.api, cloudId, 'catalog')).status).toBe('ok');
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await org?.api.close();
});

describe('Linode backups as snapshots', () => {
  it('asks for the Backup Service, then takes a snapshot, lists it and restores it; deleting is refused', async () => {
    const { id, linode } = await seeded(0);
    const at = (part: string) => `/api/v1/machines/${id}/${part}`;
    expect((await call('GET', at('snapshots'))).json()).toEqual({
      items: [],
      canRevert: true,
      canDelete: false,
      revertNeeds: null,
    });

    const off = await call('POST', at('snapshots'), { name: 'before-upgrade' });
    expect(off.statusCode).toBe(409);
    expect(off.json().error.message).toMatch(
      /Backups are not enabled for this Linode\. Enable the Backup Service/,
    );

    account().enableBackups(linode.id);
    expect((await call('POST', at('snapshots'), { name: 'before-upgrade' })).statusCode).toBe(202);
    const list = (await call('GET', at('snapshots'))).json();
    expect(list.items).toEqual([
      expect.objectContaining({ name: 'before-upgrade', state: 'available', sizeGb: 25 }),
    ]);
    const sid: string = list.items[0].id;

    expect((await call('POST', at(`snapshots/${sid}/revert`), undefined, viewer)).statusCode).toBe(403);
    expect((await call('POST', at(`snapshots/${sid}/revert`))).statusCode).toBe(204);
    expect(account().linode(linode.id)).toMatchObject({ restoredFrom: Number(sid), status: 'offline' });

    const deleted = await call('DELETE', at(`snapshots/${sid}`));
    expect(deleted.statusCode).toBe(400);
    expect(deleted.json().error).toMatchObject({ code: 'snapshots_unsupported' });
    expect(deleted.json().error.message).toMatch(/a new snapshot replaces the last one/);
    expect(account().backups(linode.id).current?.id).toBe(Number(sid));

    const audit = await org.api.db.prisma.auditEvent.findMany({
      where: {
        organizationId: org.owner.organizationId,
        resourceId: id,
        action: { startsWith: 'machine.snapshot.' },
      },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.result])).toEqual([
      ['machine.snapshot.create', 'failure'],
      ['machine.snapshot.create', 'success'],
      ['machine.snapshot.revert', 'success'],
    ]);
  });
});

describe('Linode resize', () => {
  it('offers only plans with room for the disk, refuses a running Linode, and resizes a stopped one', async () => {
    // lin-000019 is an offline Linode 2GB (50 GB of disk) in Jakarta.
    const { id, linode } = await seeded(19);
    expect(linode).toMatchObject({ status: 'offline', type: { id: 'g6-standard-1' } });
    const options = (await call('GET', `/api/v1/machines/${id}/resize-options`)).json();
    expect(options.current).toMatchObject({ size: 'g6-standard-1', priceMonthly: '12.00' });
    expect(options.mustStop).toBe(false);
    expect(options.sizes.map((s: { externalId: string }) => s.externalId)).toEqual([
      'g6-standard-2',
      'g6-dedicated-2',
    ]);

    const smaller = await call('POST', `/api/v1/machines/${id}/resize`, { size: 'g6-nanode-1' });
    expect(smaller.statusCode).toBe(400);
    expect(smaller.json().error).toMatchObject({ code: 'size_not_offered', field: 'body.size' });

    const running = await seeded(1);
    const refused = await call('POST', `/api/v1/machines/${running.id}/resize`, { size: 'g6-standard-2' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('machine_must_be_stopped');

    const done = await call('POST', `/api/v1/machines/${id}/resize`, { size: 'g6-standard-2' });
    expect(done.statusCode, done.body).toBe(204);
    expect(account().linode(linode.id)).toMatchObject({ type: { id: 'g6-standard-2' }, diskMb: 80 * 1024 });
    expect((await pollNow(org.api, cloudId, 'machines')).status).toBe('ok');
    const after = (await call('GET', `/api/v1/machines/${id}`)).json();
    // In Jakarta, where Linode charges a fifth more than its base price of 24.00.
    expect(after.machine ?? after).toMatchObject({ size: 'g6-standard-2', costMonthly: '28.80' });
  });
});

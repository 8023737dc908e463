import { createDatabase } from '@overcast/db';
import { afterAll, describe, expect, it } from 'vitest';
import type { Policy } from '../src/authz';
import { type SyncTarget, syncMachines } from '../src/inventory';
import { listMachines, pruneMachineListChanges } from '../src/machines';
import { createOrgAndCloud, remoteMachine } from './fixtures';

const db = createDatabase({ url: process.env.DATABASE_URL!, max: 4 });
afterAll(() => db.close());

async function newTarget(): Promise<SyncTarget> {
  const { organizationId, cloudId } = await createOrgAndCloud(db);
  return {
    organizationId,
    cloudId,
    provider: 'digitalocean',
    costOverrideMonthly: null,
    missingGraceHours: 24,
  };
}

const prodOnly: Policy = {
  effect: 'allow',
  action: 'read',
  kind: 'machines',
  cloudIds: [],
  tags: { env: 'prod' },
};
const member = (policies: Policy[]) => ({ role: 'member' as const, policies, userId: crypto.randomUUID() });

const total = async (t: SyncTarget, q: Parameters<typeof listMachines>[2] = {}, caller = member([])) =>
  (await listMachines(db, t.organizationId, q, caller)).total;
const version = async (organizationId: string) =>
  (
    await db.pool.query<{ v: string }>(
      `SELECT count(*) || ':' || coalesce(max(id), 0) AS v FROM machine_list_changes WHERE organization_id = $1`,
      [organizationId],
    )
  ).rows[0]!.v;

describe('machine list totals', () => {
  it('stay exact through every kind of change, for filters and tag-limited policies alike', async () => {
    const t = await newTarget();
    const fleet = Array.from({ length: 10 }, (_, i) => remoteMachine(i)); // odd ones env=prod
    await syncMachines(db, t, fleet);
    const prod = member([prodOnly]);
    expect([await total(t), await total(t, { q: 'machine-1' }), await total(t, {}, prod)]).toEqual([
      10, 1, 5,
    ]);
    // Asked again with nothing changed: the same answers (from the cache).
    expect([await total(t), await total(t, { q: 'machine-1' }), await total(t, {}, prod)]).toEqual([
      10, 1, 5,
    ]);

    // A new machine, a rename, a provider tag change: the next poll's writes show at once.
    await syncMachines(db, t, [
      ...fleet.slice(0, 9),
      remoteMachine(9, { name: 'machine-19' }),
      remoteMachine(10, { tags: { env: 'dev' } }),
    ]);
    expect([await total(t), await total(t, { q: 'machine-1' }), await total(t, {}, prod)]).toEqual([
      11, 3, 5,
    ]);

    // A stopped machine leaves the running list.
    await syncMachines(db, t, [
      ...fleet.slice(0, 9).map((m, i) => (i === 1 ? { ...m, state: 'stopped' as const } : m)),
    ]);
    expect(await total(t, { state: 'running' })).toBe(8);

    // An Overcast tag overrides the provider's: machine-0 (provider env=dev) becomes prod for the member.
    const zero = await db.prisma.machine.findFirstOrThrow({
      where: { cloudId: t.cloudId, externalId: 'm-0' },
    });
    await db.prisma.tag.create({
      data: {
        organizationId: t.organizationId,
        resourceKind: 'machine',
        resourceId: zero.id,
        key: 'env',
        value: 'prod',
      },
    });
    expect(await total(t, {}, prod)).toBe(6);
    expect(await total(t, { tag: 'env=prod' })).toBe(6);
    await db.prisma.tag.deleteMany({ where: { resourceId: zero.id } });
    expect(await total(t, {}, prod)).toBe(5);

    // Deleting the cloud takes its machines with it.
    await db.prisma.cloud.delete({ where: { id: t.cloudId } });
    expect([await total(t), await total(t, {}, prod)]).toEqual([0, 0]);
  });

  it('serves a remembered total only while the organization version is unchanged', async () => {
    const t = await newTarget();
    await syncMachines(db, t, [remoteMachine(1), remoteMachine(2)]);
    expect(await total(t)).toBe(2);
    // A write that skips the triggers (replication role) leaves the version alone, so the list
    // still answers from its cache: proof the count was not run again.
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(
        `INSERT INTO machines (organization_id, cloud_id, external_id, name, state) VALUES ($1, $2, 'hidden', 'hidden', 'running')`,
        [t.organizationId, t.cloudId],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await total(t)).toBe(2);
    // Any counted change moves the version, and the recount sees every row.
    await syncMachines(db, t, [remoteMachine(1), remoteMachine(2), remoteMachine(3)]);
    expect(await total(t)).toBe(4);
  });

  it('moves the version only for writes that change what a list shows', async () => {
    const t = await newTarget();
    await syncMachines(db, t, [remoteMachine(1)]);
    const before = await version(t.organizationId);
    await db.pool.query(`UPDATE machines SET cost_monthly = 99, monitoring_error = 'x' WHERE cloud_id = $1`, [
      t.cloudId,
    ]);
    expect(await version(t.organizationId)).toBe(before);
    await db.pool.query(`UPDATE machines SET state = 'stopped' WHERE cloud_id = $1`, [t.cloudId]);
    expect(await version(t.organizationId)).not.toBe(before);
  });

  it('pruning old change rows moves the version forward and keeps totals exact', async () => {
    const t = await newTarget();
    await syncMachines(db, t, [remoteMachine(1), remoteMachine(2)]);
    expect(await total(t)).toBe(2);
    const before = await version(t.organizationId);
    expect(await pruneMachineListChanges(db, 0)).toBeGreaterThan(0);
    const after = await version(t.organizationId);
    expect(after).not.toBe(before);
    expect(Number(after.split(':')[1])).toBeGreaterThan(Number(before.split(':')[1]));
    await syncMachines(db, t, [remoteMachine(1)]); // one goes missing: still listed, as missing
    expect(await total(t)).toBe(2);
    expect(await total(t, { state: 'running' })).toBe(1);
  });
});

import { createDatabase } from '@overcast/db';
import { afterAll, describe, expect, it } from 'vitest';
import { syncMachines } from '../src/inventory';
import { machineDetail, storeCreatedMachine } from '../src/machines';
import { createOrgAndCloud, remoteMachine } from './fixtures';

const db = createDatabase({ url: process.env.DATABASE_URL!, max: 4 });
afterAll(() => db.close());

describe('a machine made through Overcast', () => {
  it('names who made it in its history, even when a poll stored it first', async () => {
    const { organizationId, cloudId } = await createOrgAndCloud(db);
    const cloud = await db.prisma.cloud.findUniqueOrThrow({ where: { id: cloudId } });
    const target = {
      organizationId,
      cloudId,
      provider: 'digitalocean' as const,
      costOverrideMonthly: null,
      missingGraceHours: 24,
    };
    // The engine's event made a poll list the new machine before the create call returned.
    await syncMachines(db, target, [remoteMachine(1)]);
    const actor = { organizationId, label: 'alice@example.com' };
    // The sync stored it and published its event: nothing here reaches Redis.
    const runtime = { db, redis: undefined as never };
    const made = await storeCreatedMachine(runtime, actor, cloud, remoteMachine(1), {
      sshKeyId: null,
      audit: {},
    });
    const history = (await machineDetail(db, organizationId, made.id)).history;
    expect(history.map((e) => [e.kind, e.data])).toEqual([
      ['created', { name: 'machine-1', by: 'alice@example.com' }],
    ]);
    // Told once: storing it again (a retried job) adds nothing.
    await storeCreatedMachine(runtime, actor, cloud, remoteMachine(1), { sshKeyId: null, audit: {} });
    expect((await machineDetail(db, organizationId, made.id)).history).toHaveLength(1);
  });
});

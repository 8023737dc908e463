import { createDatabase } from '@overcast/db';
import { liveHeapMb } from '@overcast/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { inventoryStreamEvents } from '../src/events';
import { type SyncTarget, syncMachines } from '../src/inventory';
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

const machinesOf = (cloudId: string) =>
  db.prisma.machine.findMany({ where: { cloudId }, orderBy: { externalId: 'asc' } });
const eventsOf = (organizationId: string) =>
  db.prisma.machineEvent.findMany({ where: { organizationId }, orderBy: { id: 'asc' } });

describe('syncMachines', () => {
  it('creates machines with cost; their created events are published, not stored', async () => {
    const t = await newTarget();
    const res = await syncMachines(db, t, [remoteMachine(1), remoteMachine(2)]);
    expect(res).toMatchObject({ seen: 2, created: 2, updated: 0, missing: 0 });
    const rows = await machinesOf(t.cloudId);
    expect(rows.map((m) => m.name)).toEqual(['machine-1', 'machine-2']);
    expect(rows[0]).toMatchObject({
      organizationId: t.organizationId,
      state: 'running',
      rawState: 'active',
      publicIps: ['203.0.113.1'],
      costSource: 'provider',
      providerTags: { env: 'prod' },
    });
    expect(rows[0]!.costMonthly?.toString()).toBe('6');
    expect(res.events.map((e) => [e.kind, e.data.name])).toEqual([
      ['created', 'machine-1'],
      ['created', 'machine-2'],
    ]);
    // A later poll finding one more: published the same way, and still nothing stored.
    const later = await syncMachines(db, t, [remoteMachine(1), remoteMachine(2), remoteMachine(3)]);
    expect(later.events).toEqual([
      {
        machineId: (await machinesOf(t.cloudId))[2]!.id,
        kind: 'created',
        data: { name: 'machine-3', state: 'running', costMonthly: 6 },
      },
    ]);
    // The row's created_at is when it was first seen: the machine's history shows it from there.
    expect(await eventsOf(t.organizationId)).toEqual([]);
  });

  it('writes nothing when nothing changed', async () => {
    const t = await newTarget();
    const list = Array.from({ length: 50 }, (_, i) => remoteMachine(i));
    await syncMachines(db, t, list);
    const before = await eventsOf(t.organizationId);
    // Row versions (xmin) change on any write, so equal versions prove nothing was written.
    const versions = await db.pool.query(
      'SELECT id, xmin::text FROM machines WHERE cloud_id = $1 ORDER BY id',
      [t.cloudId],
    );
    const res = await syncMachines(
      db,
      t,
      list.map((m) => ({ ...m })),
    );
    expect(res).toMatchObject({ created: 0, updated: 0, missing: 0, terminated: 0, events: [] });
    const after = await db.pool.query('SELECT id, xmin::text FROM machines WHERE cloud_id = $1 ORDER BY id', [
      t.cloudId,
    ]);
    expect(after.rows).toEqual(versions.rows);
    expect(await eventsOf(t.organizationId)).toHaveLength(before.length);
  });

  it('records each kind of change as its own event', async () => {
    const t = await newTarget();
    await syncMachines(db, t, [remoteMachine(1), remoteMachine(2), remoteMachine(3)]);
    const res = await syncMachines(db, t, [
      remoteMachine(1, { state: 'stopped', rawState: 'off' }),
      remoteMachine(2, { publicIps: ['198.51.100.7'], name: 'renamed-2' }),
      remoteMachine(3, {
        size: 's-2vcpu-2gb',
        costMonthly: { amount: '12.00', currency: 'USD' },
        tags: { env: 'x' },
      }),
    ]);
    expect(res.updated).toBe(3);
    const kinds = res.events.map((e) => e.kind).sort();
    expect(kinds).toEqual(['cost_changed', 'ip_changed', 'renamed', 'resized', 'state_changed'].sort());
    const state = res.events.find((e) => e.kind === 'state_changed')!;
    expect(state.data).toEqual({ from: 'running', to: 'stopped' });
    // A change in a field without its own event (tags, raw fields) is still recorded.
    const res2 = await syncMachines(db, t, [
      remoteMachine(1, { state: 'stopped', rawState: 'off' }),
      remoteMachine(2, { publicIps: ['198.51.100.7'], name: 'renamed-2', tags: { team: 'a' } }),
      remoteMachine(3, {
        size: 's-2vcpu-2gb',
        costMonthly: { amount: '12.00', currency: 'USD' },
        tags: { env: 'x' },
      }),
    ]);
    expect(res2.events.map((e) => e.kind)).toEqual(['updated']);
  });

  it('marks vanished machines missing, brings them back, and terminates them after the grace period', async () => {
    const t = await newTarget();
    await syncMachines(db, t, [remoteMachine(1), remoteMachine(2)]);
    const gone = await syncMachines(db, t, [remoteMachine(1)]);
    expect(gone.missing).toBe(1);
    let m2 = (await machinesOf(t.cloudId))[1]!;
    expect(m2.state).toBe('missing');
    expect(m2.missingSince).toBeInstanceOf(Date);
    // Still missing on the next poll: no new event, no write.
    expect((await syncMachines(db, t, [remoteMachine(1)])).events).toEqual([]);

    const back = await syncMachines(db, t, [remoteMachine(1), remoteMachine(2)]);
    expect(back.events.map((e) => e.kind).sort()).toEqual(['returned', 'state_changed']);
    m2 = (await machinesOf(t.cloudId))[1]!;
    expect(m2.state).toBe('running');
    expect(m2.missingSince).toBeNull();

    await syncMachines(db, t, [remoteMachine(1)]);
    await db.pool.query(
      `UPDATE machines SET missing_since = now() - interval '25 hours' WHERE cloud_id = $1 AND external_id = 'm-2'`,
      [t.cloudId],
    );
    const done = await syncMachines(db, t, [remoteMachine(1)]);
    expect(done.terminated).toBe(1);
    expect((await machinesOf(t.cloudId))[1]!.state).toBe('terminated');
    // Terminated rows are kept for history, and not marked missing again.
    expect((await syncMachines(db, t, [remoteMachine(1)])).events).toEqual([]);
  });

  it('does not take a machine made while the listing ran for gone', async () => {
    const t = await newTarget();
    await syncMachines(db, t, [remoteMachine(1)]);
    const listedAt = new Date();
    // machine-2 is made, and recorded, while that listing runs: the listing lacks it.
    await syncMachines(db, t, [remoteMachine(1), remoteMachine(2)]);
    const res = await syncMachines(db, { ...t, listedAt }, []);
    expect(res.missing).toBe(1);
    const state = async () => (await machinesOf(t.cloudId)).map((m) => [m.name, m.state]);
    expect(await state()).toEqual([
      ['machine-1', 'missing'],
      ['machine-2', 'running'],
    ]);
    // A listing begun after it was recorded, and still without it, does mark it missing.
    expect((await syncMachines(db, { ...t, listedAt: new Date() }, [])).missing).toBe(1);
    expect(await state()).toEqual([
      ['machine-1', 'missing'],
      ['machine-2', 'missing'],
    ]);
  });

  it('a failure mid-sync leaves the stored inventory exactly as it was', async () => {
    const t = await newTarget();
    await syncMachines(db, t, [remoteMachine(1), remoteMachine(2)]);
    const before = await machinesOf(t.cloudId);
    const bad = remoteMachine(3, { state: 'exploded' as never });
    await expect(syncMachines(db, t, [remoteMachine(1, { state: 'stopped' }), bad])).rejects.toThrow();
    expect(await machinesOf(t.cloudId)).toEqual(before);
  });

  it('keeps each cloud to itself: the same external id in two clouds are two machines', async () => {
    const a = await newTarget();
    const b = await newTarget();
    await syncMachines(db, a, [remoteMachine(1)]);
    await syncMachines(db, b, [remoteMachine(1, { name: 'other' })]);
    await syncMachines(db, a, []);
    expect((await machinesOf(a.cloudId))[0]!.state).toBe('missing');
    expect((await machinesOf(b.cloudId))[0]).toMatchObject({
      state: 'running',
      name: 'other',
      organizationId: b.organizationId,
    });
  });

  it('a cost_per_month tag wins over the provider price, and a cloud override over the table', async () => {
    const t = await newTarget();
    await syncMachines(db, t, [remoteMachine(1, { tags: { cost_per_month: '42.50' } })]);
    const m = (await machinesOf(t.cloudId))[0]!;
    expect(m.costMonthly?.toString()).toBe('42.5');
    expect(m.costSource).toBe('tag');
    const o = { ...(await newTarget()), provider: 'aws' as const, costOverrideMonthly: '15' };
    await syncMachines(db, o, [
      remoteMachine(1, { costMonthly: undefined, size: 't3.micro', location: 'us-east-1a' }),
    ]);
    expect((await machinesOf(o.cloudId))[0]).toMatchObject({ costSource: 'override' });
  });

  it('a large first import stores no event per machine and streams one summary', async () => {
    const t = await newTarget();
    const res = await syncMachines(
      db,
      t,
      Array.from({ length: 500 }, (_, i) => remoteMachine(i)),
    );
    expect(res).toMatchObject({ created: 500, summarized: true, events: [] });
    expect(await machinesOf(t.cloudId)).toHaveLength(500);
    expect(await eventsOf(t.organizationId)).toEqual([]);
    expect(inventoryStreamEvents(t.cloudId, res)).toEqual([
      {
        type: 'inventory.changed',
        cloudId: t.cloudId,
        counts: { created: 500, updated: 0, missing: 0, terminated: 0 },
      },
    ]);
    // The next poll diffs as usual.
    const next = await syncMachines(
      db,
      t,
      Array.from({ length: 499 }, (_, i) => remoteMachine(i)),
    );
    expect(next).toMatchObject({ missing: 1, summarized: false });
    expect(inventoryStreamEvents(t.cloudId, next)).toEqual([
      expect.objectContaining({ type: 'machine.changed', kind: 'missing' }),
    ]);
  });

  describe('a listing that streams in page by page', () => {
    /** Pages of machines as a driver yields them, with a pause between pages. */
    async function* pages(count: number, perPage: number, after?: (page: number) => Promise<void>) {
      for (let page = 0; page * perPage < count; page++) {
        await new Promise((r) => setTimeout(r, 5));
        for (let i = page * perPage; i < Math.min(count, (page + 1) * perPage); i++) yield remoteMachine(i);
        await after?.(page);
      }
    }

    it('writes while the provider is still being read', async () => {
      const t = await newTarget();
      const copied: number[] = [];
      const res = await syncMachines(
        db,
        t,
        pages(3000, 200, async (page) => {
          if (page !== 9) return;
          // Another connection sees the COPY's progress, before the last five pages are listed.
          for (let tries = 0; tries < 100; tries++) {
            const { rows } = await db.pool.query<{ n: string }>(
              `SELECT tuples_processed::text AS n FROM pg_stat_progress_copy
               WHERE relid = 'machines'::regclass AND command = 'COPY FROM'`,
            );
            const n = Number(rows[0]?.n ?? 0);
            if (n >= 1500) return void copied.push(n);
            await new Promise((r) => setTimeout(r, 20));
          }
        }),
      );
      expect(copied[0]).toBeGreaterThanOrEqual(1500);
      expect(res).toMatchObject({ seen: 3000, created: 3000 });
      expect(await db.prisma.machine.count({ where: { cloudId: t.cloudId } })).toBe(3000);
    });

    it('keeps no page of a long listing alive while it goes on', async () => {
      const t = await newTarget();
      let grown = Number.NaN;
      const idOf = (page: number, i: number) =>
        `i-${page.toString(16).padStart(8, '0')}${i.toString(16).padStart(9, '0')}`;
      // 30 pages of 3 MB, their ids slices of the page as a parser hands them out.
      const listing = async function* () {
        const start = liveHeapMb();
        for (let page = 0; page < 30; page++) {
          const ids = Array.from({ length: 500 }, (_, i) => idOf(page, i)).join('');
          const body = new TextDecoder().decode(Buffer.from(ids.padEnd(3_000_000, ' ')));
          for (let i = 0; i < 500; i++)
            yield remoteMachine(page * 500 + i, { externalId: body.slice(i * 19, i * 19 + 19) });
        }
        grown = liveHeapMb() - start;
      };
      expect(await syncMachines(db, t, listing())).toMatchObject({ seen: 15_000 });
      // Each page kept would be 3 MB: 90 MB for the 30.
      expect(grown).toBeLessThan(30);
      expect(
        await db.prisma.machine.count({ where: { cloudId: t.cloudId, externalId: idOf(29, 499) } }),
      ).toBe(1);
    });

    it('a provider failing halfway writes nothing, on a first poll and on a later one', async () => {
      const t = await newTarget();
      const failing = async function* () {
        yield* pages(1200, 200);
        throw new Error('page 7: 503 Service Unavailable');
      };
      await expect(syncMachines(db, t, failing())).rejects.toThrow('503');
      expect(await machinesOf(t.cloudId)).toEqual([]);
      expect(await eventsOf(t.organizationId)).toEqual([]);

      await syncMachines(db, t, pages(1500, 200));
      const before = await machinesOf(t.cloudId);
      await expect(syncMachines(db, t, failing())).rejects.toThrow('503');
      // Not one of the 300 machines the failed listing had not reached yet went missing.
      expect(await machinesOf(t.cloudId)).toEqual(before);
      expect(await eventsOf(t.organizationId)).toEqual([]);
      // The connection went back to the pool usable: the next poll works.
      expect(await syncMachines(db, t, pages(1500, 200))).toMatchObject({ seen: 1500, missing: 0 });
    });

    it('a listing cut short by its abort signal is not taken as complete', async () => {
      const t = await newTarget();
      await syncMachines(db, t, pages(1000, 200));
      const before = await machinesOf(t.cloudId);
      const abort = new AbortController();
      // Drivers end a listing quietly when aborted; only the signal tells it is partial.
      const cut = async function* () {
        for await (const m of pages(1000, 200)) {
          if (m.externalId === 'm-600') {
            abort.abort(new Error('poll timed out'));
            return;
          }
          yield m;
        }
      };
      await expect(syncMachines(db, t, cut(), { signal: abort.signal })).rejects.toThrow('poll timed out');
      expect(await machinesOf(t.cloudId)).toEqual(before);
    });

    it('a row Postgres refuses stops the listing and reports the refusal', async () => {
      const t = await newTarget();
      let listed = 0;
      const listing = async function* () {
        for await (const m of pages(5000, 200)) {
          listed += 1;
          yield m.externalId === 'm-700' ? { ...m, state: 'exploded' as never } : m;
        }
      };
      await expect(syncMachines(db, t, listing())).rejects.toThrow(/MachineState|exploded/);
      expect(listed).toBeLessThan(5000);
      expect(await machinesOf(t.cloudId)).toEqual([]);
    });
  });
});

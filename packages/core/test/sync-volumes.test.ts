import type { RemoteVolume } from '@overcast/contracts';
import { createDatabase } from '@overcast/db';
import { afterAll, describe, expect, it } from 'vitest';
import { syncVolumes } from '../src/inventory';
import { createOrgAndCloud, remoteVolume } from './fixtures';

const db = createDatabase({ url: process.env.DATABASE_URL!, max: 4 });
afterAll(() => db.close());

async function newTarget() {
  return { ...(await createOrgAndCloud(db)), provider: 'digitalocean' as const };
}

const volumesOf = (cloudId: string) =>
  db.prisma.volume.findMany({ where: { cloudId }, orderBy: { externalId: 'asc' } });

/** Pages of 100 volumes as a provider answers them, failing after `failAfter` if given. */
async function* paged(volumes: RemoteVolume[], failAfter?: number) {
  for (const [i, v] of volumes.entries()) {
    if (i === failAfter) throw new Error('503 Service Unavailable');
    if (i % 100 === 0) await new Promise((r) => setTimeout(r, 1));
    yield v;
  }
}

describe('syncVolumes', () => {
  it('writes a paged listing, keeping the first listing of an id listed twice', async () => {
    const t = await newTarget();
    const listing = Array.from({ length: 450 }, (_, i) => remoteVolume(i));
    listing.splice(120, 0, remoteVolume(5, { name: 'listed again' }));
    expect(await syncVolumes(db, t, paged(listing))).toEqual({
      seen: 450,
      created: 450,
      updated: 0,
      missing: 0,
    });
    const stored = await volumesOf(t.cloudId);
    expect(stored).toHaveLength(450);
    expect(stored.find((v) => v.externalId === 'v-5')?.name).toBe('volume-5');
  });

  it('keeps every volume as it was when the listing fails or is aborted halfway', async () => {
    const t = await newTarget();
    const first = Array.from({ length: 300 }, (_, i) => remoteVolume(i));
    await syncVolumes(db, t, first);
    const before = await volumesOf(t.cloudId);
    const resized = first.map((v) => ({ ...v, sizeGb: 20 }));
    await expect(syncVolumes(db, t, paged(resized, 250))).rejects.toThrow('503 Service Unavailable');
    // An aborted driver ends its listing quietly: the partial listing must not count either.
    const abort = new AbortController();
    const cut = (async function* () {
      yield* resized.slice(0, 150);
      abort.abort(new Error('poll timed out'));
    })();
    await expect(syncVolumes(db, t, cut, { signal: abort.signal })).rejects.toThrow('poll timed out');
    expect(await volumesOf(t.cloudId)).toEqual(before);
    // The next complete listing applies.
    expect(await syncVolumes(db, t, paged(resized))).toMatchObject({ seen: 300, updated: 300, missing: 0 });
  });

  it('marks a volume no longer listed as missing, and brings it back when it is', async () => {
    const t = await newTarget();
    await syncVolumes(db, t, [remoteVolume(1), remoteVolume(2)]);
    expect(await syncVolumes(db, t, [remoteVolume(1)])).toMatchObject({ missing: 1 });
    expect((await volumesOf(t.cloudId)).map((v) => [v.externalId, v.state])).toEqual([
      ['v-1', 'available'],
      ['v-2', 'missing'],
    ]);
    expect(await syncVolumes(db, t, [remoteVolume(1), remoteVolume(2)])).toMatchObject({ updated: 1 });
    expect((await volumesOf(t.cloudId)).every((v) => v.state === 'available' && !v.missingSince)).toBe(true);
  });
});

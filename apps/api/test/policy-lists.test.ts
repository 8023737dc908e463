import { randomBytes } from 'node:crypto';
import { decide, type Policy, type ResourceScope, resourceScope } from '@overcast/core/authz';
import { listMachines } from '@overcast/core/machines';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import { addMember, send, startOrgApi } from './support/harness';

// Lists and single reads must agree on what a policy-limited caller may see: a machine is in
// GET /machines exactly when GET /machines/{id} answers 200 (the same decision authorize() makes). Checked over seeded random policies
// and tags (provider tags, Overcast tags, both, neither), so a failure replays the same way.

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;

const KEYS = ['env', 'team', 'tier'];
const VALUES = ['prod', 'dev', 'web'];

/** mulberry32: small, seeded, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

function randomTags(rand: () => number, valuesWithAny: boolean): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const key of KEYS) {
    if (rand() < 0.45) tags[key] = valuesWithAny && rand() < 0.3 ? '' : pick(rand, VALUES);
  }
  return tags;
}

beforeAll(async () => {
  ({ api, owner, ownerCookie } = await startOrgApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' }));
});
afterAll(() => api?.close());

describe('team policies: lists and single reads agree', () => {
  it('over 200 seeded random policies and tags, a machine is listed exactly when it can be read', async () => {
    const { db } = api;
    const org = owner.organizationId;
    const clouds = await Promise.all(
      [0, 1].map((i) =>
        db.prisma.cloud.create({
          data: {
            organizationId: org,
            provider: 'ssh_host',
            title: `c${i}-${randomBytes(3).toString('hex')}`,
            credentials: Buffer.from('x'),
          },
        }),
      ),
    );
    const member = await addMember(api, org, 'member');
    const team = await send(api, ownerCookie, 'POST', '/api/v1/teams', {
      name: `prop-${randomBytes(3).toString('hex')}`,
    });
    expect(team.statusCode).toBe(201);
    const teamId = team.json().id as string;
    await send(api, ownerCookie, 'PUT', `/api/v1/teams/${teamId}/members`, { userIds: [member.userId] });

    const MACHINES = 10;
    const machineIds: string[] = [];
    for (let i = 0; i < MACHINES; i++) {
      const m = await db.prisma.machine.create({
        data: {
          organizationId: org,
          cloudId: clouds[i % 2]!.id,
          externalId: `p-${randomBytes(4).toString('hex')}`,
          name: `prop-${i}`,
          state: 'running',
        },
      });
      machineIds.push(m.id);
    }

    const rand = prng(20261203);
    const ROUNDS = 5;
    const POLICIES_PER_ROUND = 40;
    let cases = 0;
    const disagreements: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // New tags for every machine: some only from the provider, some only Overcast's, some both.
      await db.prisma.tag.deleteMany({ where: { organizationId: org, resourceId: { in: machineIds } } });
      for (const id of machineIds) {
        const provider = rand() < 0.7 ? randomTags(rand, false) : {};
        const own = rand() < 0.5 ? randomTags(rand, false) : {};
        await db.prisma.machine.update({ where: { id }, data: { providerTags: provider } });
        for (const [key, value] of Object.entries(own)) {
          await db.prisma.tag.create({
            data: { organizationId: org, resourceKind: 'machine', resourceId: id, key, value },
          });
        }
      }
      const scopes = new Map<string, ResourceScope>();
      for (const id of machineIds) scopes.set(id, await resourceScope(db, org, 'machines', id));
      for (let n = 0; n < POLICIES_PER_ROUND; n++) {
        const count = 1 + Math.floor(rand() * 3);
        const policies: Policy[] = Array.from({ length: count }, (_, i) => {
          const scoped = rand();
          return {
            // The first is an allow, so most cases show something to disagree about.
            effect: i === 0 || rand() < 0.5 ? ('allow' as const) : ('deny' as const),
            action: pick(rand, ['read', '*'] as const),
            kind: pick(rand, ['machines', '*'] as const),
            cloudIds: scoped < 0.3 ? [pick(rand, clouds).id] : [],
            tags: scoped >= 0.2 ? randomTags(rand, true) : {},
          };
        });
        const caller = { role: 'member' as const, policies, userId: member.userId };
        // The list through the list query, each machine through the check GET /machines/{id} makes.
        const listed = decide(caller, 'machines', 'read')
          ? new Set((await listMachines(db, org, { limit: 500 }, caller)).items.map((m) => m.id))
          : new Set<string>();
        const readable = (id: string) => decide(caller, 'machines', 'read', scopes.get(id));
        // Every tenth case also goes through HTTP, as a member of a team with these policies.
        if (n % 10 === 0) {
          const set = await api.app.inject({
            method: 'PUT',
            url: `/api/v1/teams/${teamId}/policies`,
            headers: { cookie: ownerCookie },
            payload: { policies },
          });
          expect(set.statusCode).toBe(200);
          const list = await api.app.inject({
            method: 'GET',
            url: '/api/v1/machines?limit=500',
            headers: { cookie: member.cookie },
          });
          // A list refused outright (an unlimited deny) lists nothing.
          expect([200, 403]).toContain(list.statusCode);
          const items = list.statusCode === 200 ? (list.json().items as { id: string }[]) : [];
          expect(new Set(items.map((m) => m.id))).toEqual(listed);
          for (const id of machineIds) {
            const one = await api.app.inject({
              method: 'GET',
              url: `/api/v1/machines/${id}`,
              headers: { cookie: member.cookie },
            });
            expect(one.statusCode).toBe(readable(id) ? 200 : 404);
          }
        }
        for (const id of machineIds) {
          if (listed.has(id) !== readable(id)) {
            disagreements.push(
              `${JSON.stringify(policies)} machine ${id} ${JSON.stringify(scopes.get(id))}: listed=${listed.has(id)} read=${readable(id)}`,
            );
          }
        }
        cases++;
      }
    }
    expect(cases).toBe(200);
    expect(disagreements.slice(0, 3)).toEqual([]);
  }, 180_000);
});

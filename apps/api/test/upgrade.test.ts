// An installation made with the first migration set, with data in it, upgraded to this build:
// every later migration applies over real rows, and the people and fleet in it carry on.
import { randomBytes } from 'node:crypto';
import { hashPassword } from '@overcast/core/passwords';
import {
  createDatabase,
  type Database,
  defaultMigrationsDir,
  migrateDeploy,
  readMigrations,
} from '@overcast/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase as createPgDatabase, dropDatabase } from '../../../test/support/postgres';
import { login, startTestApi } from './support/harness';

const FIRST = '20261125000000_init';
const name = `overcast_upgrade_${randomBytes(4).toString('hex')}`;

describe('upgrading from the first release', { timeout: 120_000 }, () => {
  let db: Database;
  let url: string;
  const ids = { org: '', user: '', cloud: '', machine: '', schedule: '' };
  const person = {
    email: `upgrade-${randomBytes(4).toString('hex')}@example.com`,
    password: 'an old but good password',
  };

  beforeAll(async () => {
    url = await createPgDatabase(name);
    db = createDatabase({ url, max: 2 });
    await migrateDeploy(db.pool, defaultMigrationsDir(), { upTo: FIRST });
    // Rows written as that release wrote them: plain SQL against its schema.
    const q = async (sql: string, params: unknown[]) =>
      (await db.pool.query<{ id: string }>(sql, params)).rows[0]!.id;
    ids.org = await q(`INSERT INTO organizations (name, slug) VALUES ('Old Co', $1) RETURNING id`, [name]);
    ids.user = await q(`INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id`, [
      person.email,
      await hashPassword(person.password),
    ]);
    await db.pool.query(`INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'owner')`, [
      ids.org,
      ids.user,
    ]);
    ids.cloud = await q(
      `INSERT INTO clouds (organization_id, provider, title, credentials, created_by_id)
       VALUES ($1, 'digitalocean', 'Old DO', '\\x00', $2) RETURNING id`,
      [ids.org, ids.user],
    );
    ids.machine = await q(
      `INSERT INTO machines (organization_id, cloud_id, external_id, name, state, created_by_id, expires_at, expiration_action)
       VALUES ($1, $2, 'd-1', 'legacy-web', 'running', $3, now() + interval '30 days', 'stop') RETURNING id`,
      [ids.org, ids.cloud, ids.user],
    );
    await db.pool.query(
      `INSERT INTO audit_events (organization_id, actor_user_id, action, resource_kind, resource_id)
       VALUES ($1, $2, 'machine.expiration.set', 'machine', $3)`,
      [ids.org, ids.user, ids.machine],
    );
    ids.schedule = await q(
      `INSERT INTO schedules (organization_id, name, trigger_kind, interval_seconds, target, action, created_by_id)
       VALUES ($1, 'nightly stop', 'interval', 86400, '{"machineIds": []}', 'stop', $2) RETURNING id`,
      [ids.org, ids.user],
    );
  });

  afterAll(async () => {
    await db?.close();
    await dropDatabase(name);
  });

  it('applies every later migration over the old rows, and the people and machines carry on', async () => {
    const later = readMigrations(defaultMigrationsDir()).filter((m) => m.name > FIRST);
    const result = await migrateDeploy(db.pool);
    expect(result.applied).toEqual(later.map((m) => m.name));
    // What the later migrations derive from old rows.
    const schedule = await db.prisma.schedule.findUniqueOrThrow({ where: { id: ids.schedule } });
    expect(schedule.actingUserId).toBe(ids.user);
    const machine = await db.prisma.machine.findUniqueOrThrow({ where: { id: ids.machine } });
    expect(machine.expirationSetById).toBe(ids.user);

    const api = await startTestApi({ DATABASE_URL: url });
    try {
      const cookie = await login(api, person);
      const machines = await api.app.inject({ method: 'GET', url: '/api/v1/machines', headers: { cookie } });
      expect(machines.statusCode).toBe(200);
      expect(machines.json().items.map((m: { name: string }) => m.name)).toEqual(['legacy-web']);
      const schedules = await api.app.inject({
        method: 'GET',
        url: '/api/v1/schedules',
        headers: { cookie },
      });
      expect(schedules.json().items.map((s: { name: string }) => s.name)).toEqual(['nightly stop']);
    } finally {
      await api.close();
    }
  });
});

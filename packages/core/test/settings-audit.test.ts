import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { loadSettings } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase as createPgDatabase, dropDatabase } from '../../../test/support/postgres';
import { auditSettingsChange } from '../src/settings';

// Its own database: the stored fingerprint is installation-wide.
const name = `overcast_settings_audit_${randomBytes(4).toString('hex')}`;
let db: Database;
const dir = mkdtempSync(join(tmpdir(), 'overcast-settings-audit-'));

beforeAll(async () => {
  db = createDatabase({ url: await createPgDatabase(name), max: 2 });
  await migrateDeploy(db.pool);
});
afterAll(async () => {
  await db.close();
  await dropDatabase(name);
  rmSync(dir, { recursive: true, force: true });
});

describe('settings changes in the audit trail', () => {
  it('the first start records a baseline; a restart with edits records which settings changed, never their values', async () => {
    const org = await db.prisma.organization.create({
      data: { name: 'a', slug: `a-${randomBytes(4).toString('hex')}` },
    });
    const { settings } = loadSettings({ create: true, dir, env: {} });
    expect(await auditSettingsChange(db, settings)).toEqual([]);
    expect(await auditSettingsChange(db, settings)).toEqual([]);

    const edited = {
      ...settings,
      shell: { ...settings.shell, idleTimeoutSeconds: settings.shell.idleTimeoutSeconds + 60 },
      secrets: { ...settings.secrets, sessionSecret: randomBytes(32).toString('base64') },
    };
    expect(await auditSettingsChange(db, edited)).toEqual([
      'secrets.sessionSecret',
      'shell.idleTimeoutSeconds',
    ]);
    const events = await db.prisma.auditEvent.findMany({
      where: { organizationId: org.id, action: 'settings.change' },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorLabel: 'settings files',
      details: { changed: ['secrets.sessionSecret', 'shell.idleTimeoutSeconds'] },
    });
    expect(JSON.stringify(events[0]!.details)).not.toContain(edited.secrets.sessionSecret);
    // The next start with the same edits has nothing new to say.
    expect(await auditSettingsChange(db, edited)).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSettings, renderSettingsReadme } from '@overcast/runtime';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'overcast-settings-'));

/** Runs the api's migrate entry point: it loads settings exactly as the server does. */
function runMigrate(dir: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [resolve(root, 'apps/api/dist/migrate.js')], {
    env: { ...process.env, OVERCAST_SETTINGS_DIR: dir, ...env },
    encoding: 'utf8',
  });
}

describe('settings', () => {
  it('are created with generated secrets on first start and reused on the second', () => {
    const dir = tmp();
    const first = runMigrate(dir);
    expect(first.status, first.stderr).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(written.secrets.sessionSecret).toMatch(/^[\w-]{32,}$/);
    expect(Buffer.from(written.secrets.credentialsKey, 'base64')).toHaveLength(32);
    expect(written.poll.machinesSeconds).toBe(60);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('secrets.credentialsKey');

    const second = runMigrate(dir);
    expect(second.status, second.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual(written);
    // Two installations never share secrets.
    const other = tmp();
    runMigrate(other);
    expect(JSON.parse(readFileSync(join(other, 'settings.json'), 'utf8')).secrets).not.toEqual(
      written.secrets,
    );
  });

  it('a malformed file stops the start with one line naming the file, not a stack trace', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'settings.json'), '{ "port": 8080, ');
    const res = runMigrate(dir);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('settings.json is not valid JSON');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad value names its key', () => {
    const dir = tmp();
    runMigrate(dir);
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    file.poll.machinesSeconds = 'often';
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(file));
    const res = runMigrate(dir);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('"poll.machinesSeconds"');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing secret and an unknown key are named too', () => {
    const dir = tmp();
    runMigrate(dir);
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    delete file.secrets.credentialsKey;
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(file));
    expect(runMigrate(dir).stderr).toContain('"secrets.credentialsKey"');
    file.secrets.credentialsKey = Buffer.alloc(32, 1).toString('base64');
    file.prot = 80;
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(file));
    expect(runMigrate(dir).stderr).toContain('"prot"');
  });

  it('environment variables win over the file; an edit applies on the next load', () => {
    const dir = tmp();
    loadSettings({ dir, create: true, env: {} });
    const path = join(dir, 'settings.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.poll.machinesSeconds = 120;
    writeFileSync(path, JSON.stringify(file));
    expect(loadSettings({ dir, env: {} }).settings.poll.machinesSeconds).toBe(120);
    const env = {
      OVERCAST_POLL_MACHINES_SECONDS: '30',
      OVERCAST_PORT: '9999',
      REDIS_URL: 'redis://elsewhere:6379/1',
    };
    const { settings } = loadSettings({ dir, env });
    expect(settings.poll.machinesSeconds).toBe(30);
    expect(settings.port).toBe(9999);
    expect(settings.redisUrl).toBe('redis://elsewhere:6379/1');
    expect(() => loadSettings({ dir, env: { OVERCAST_PORT: 'eighty' } })).toThrow(
      /OVERCAST_PORT must be a number/,
    );
  });

  it('settings/README.md in the repository documents every key exactly as the schema does', () => {
    expect(readFileSync(resolve(root, 'settings/README.md'), 'utf8')).toBe(renderSettingsReadme());
  });
});

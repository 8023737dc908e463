import { constants } from 'node:fs';
import { access, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recordingsDir } from '@overcast/core/terminal';
import { BackupError, type Database, type DatabaseDump, dumpDatabase, restoreDatabase } from '@overcast/db';
import type { Settings } from '@overcast/runtime';
import * as tar from 'tar';
import { assertKeyOpensSecrets, KeyMismatchError, keyFingerprint } from './key-check';

// One file: manifest.json, database/<table>.copy, recordings/<organization>/<session>.cast.

const FORMAT = 'overcast-backup';
const VERSION = 1;

export interface Manifest {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  keyFingerprint: string;
  database: DatabaseDump;
  recordings: number;
}

async function exists(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

async function staging(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes a backup to `output` (gzip'd tar, mode 0600) and returns its manifest. */
export async function writeBackup(db: Database, settings: Settings, output: string): Promise<Manifest> {
  const key = settings.secrets.credentialsKey;
  await assertKeyOpensSecrets(db, key);
  const dir = await staging('overcast-backup-');
  try {
    await mkdir(join(dir, 'database'), { mode: 0o700 });
    const database = await dumpDatabase(db.pool, join(dir, 'database'));
    // Recordings of the sessions in the dump; a session still open may add bytes after this.
    const { rows } = await db.pool.query<{ id: string; organization_id: string; recording_path: string }>(
      'SELECT id, organization_id, recording_path FROM shell_sessions WHERE recording_path IS NOT NULL',
    );
    let recordings = 0;
    for (const r of rows) {
      if (!(await exists(r.recording_path))) continue;
      const target = join(dir, 'recordings', r.organization_id, `${r.id}.cast`);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await copyFile(r.recording_path, target);
      recordings += 1;
    }
    const manifest: Manifest = {
      format: FORMAT,
      version: VERSION,
      createdAt: new Date().toISOString(),
      keyFingerprint: keyFingerprint(key),
      database,
      recordings,
    };
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await mkdir(dirname(output), { recursive: true });
    const entries = ['manifest.json', 'database', ...(recordings > 0 ? ['recordings'] : [])];
    await tar.create({ gzip: true, file: output, cwd: dir, portable: true, mode: 0o600 }, entries);
    return manifest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readManifest(dir: string): Promise<Manifest> {
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    throw new BackupError('This file is not an Overcast backup: it has no readable manifest.json.');
  }
  if (manifest.format !== FORMAT || typeof manifest.version !== 'number' || !manifest.database) {
    throw new BackupError('This file is not an Overcast backup: its manifest is not one Overcast writes.');
  }
  if (manifest.version > VERSION) {
    throw new BackupError(
      `This backup has format ${manifest.version}; this Overcast reads up to ${VERSION}. Upgrade first.`,
    );
  }
  return manifest as Manifest;
}

export interface RestoreResult {
  manifest: Manifest;
  rows: number;
  recordings: number;
  migratedAfter: string[];
}

/**
 * Restores a backup into an empty database. Refuses, before writing anything, a backup whose
 * secrets were sealed with another key than the one in settings.
 */
export async function restoreBackup(db: Database, settings: Settings, input: string): Promise<RestoreResult> {
  if (!(await exists(input))) throw new BackupError(`${input} does not exist or cannot be read.`);
  const dir = await staging('overcast-restore-');
  try {
    try {
      await tar.extract({ file: input, cwd: dir, strict: true, preservePaths: false });
    } catch (err) {
      throw new BackupError(`${input} could not be read as a backup: ${(err as Error).message}`);
    }
    const manifest = await readManifest(dir);
    const ours = keyFingerprint(settings.secrets.credentialsKey);
    if (manifest.keyFingerprint !== ours) {
      throw new KeyMismatchError(
        `This backup's secrets were sealed with another credentials key (fingerprint ${manifest.keyFingerprint}; ` +
          `the settings in use have ${ours}). Nothing was restored. Put secrets.credentialsKey from the backed-up ` +
          "installation's settings.json into these settings (or OVERCAST_SECRETS_CREDENTIALS_KEY), then run restore again.",
      );
    }
    const { rows, migratedAfter } = await restoreDatabase(db.pool, join(dir, 'database'), manifest.database);
    const root = recordingsDir(settings);
    let recordings = 0;
    const { rows: sessions } = await db.pool.query<{ id: string; organization_id: string }>(
      'SELECT id, organization_id FROM shell_sessions WHERE recording_path IS NOT NULL',
    );
    for (const s of sessions) {
      const from = join(dir, 'recordings', s.organization_id, `${s.id}.cast`);
      if (!(await exists(from))) continue;
      const to = join(root, s.organization_id, `${s.id}.cast`);
      await mkdir(dirname(to), { recursive: true, mode: 0o700 });
      await copyFile(from, to);
      await db.pool.query('UPDATE shell_sessions SET recording_path = $2 WHERE id = $1', [s.id, to]);
      recordings += 1;
    }
    return { manifest, rows, recordings, migratedAfter };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

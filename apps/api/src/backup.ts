import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError } from '@overcast/db';
import { writeBackup } from './backup/archive';
import { KeyMismatchError } from './backup/key-check';
import { exitOnStartupError, loadApiSettings, openDatabase } from './startup';

const USAGE = `Usage: ./bin/backup [--output FILE]

Writes a consistent backup of the database and the terminal recordings to one file
(default: settings/backups/overcast-<time>.tar.gz). Cloud credentials and keys stay
encrypted in it: keep secrets.credentialsKey from settings.json with it, apart from it.
Refused when the settings' credentials key cannot open the stored secrets.`;

/** Under settings/, which compose mounts from the host, so the file outlives the container. */
function defaultOutput(settingsFile: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(dirname(settingsFile), 'backups', `overcast-${stamp}.tar.gz`);
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      options: {
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { settings, path } = loadApiSettings();
  const output = typeof args.values.output === 'string' ? args.values.output : defaultOutput(path);
  const db = await openDatabase(settings.databaseUrl, 'overcast-backup');
  try {
    const manifest = await writeBackup(db, settings, output);
    const rows = manifest.database.tables.reduce((n, t) => n + t.rows, 0);
    process.stdout.write(
      `Backed up ${rows} rows in ${manifest.database.tables.length} tables and ${manifest.recordings} recordings to ${output}\n` +
        `Credentials key fingerprint: ${manifest.keyFingerprint} (restore needs the same key).\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof KeyMismatchError || err instanceof BackupError) {
      process.stderr.write(`backup refused: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), exitOnStartupError);

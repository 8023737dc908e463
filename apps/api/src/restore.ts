import { parseArgs } from 'node:util';
import { BackupError } from '@overcast/db';
import { restoreBackup } from './backup/archive';
import { KeyMismatchError } from './backup/key-check';
import { exitOnStartupError, loadApiSettings, openDatabase } from './startup';

const USAGE = `Usage: ./bin/restore FILE

Restores a backup made by ./bin/backup into the database of DATABASE_URL, which must be
empty (a new database): stop the api and the worker, create the database, restore, start.
The settings must hold the credentials key the backup was made with; a backup sealed with
another key is refused before anything is written. Migrations newer than the backup are
applied after the data is in.`;

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { settings } = loadApiSettings();
  const db = await openDatabase(settings.databaseUrl, 'overcast-restore');
  try {
    const result = await restoreBackup(db, settings, file);
    process.stdout.write(
      `Restored ${result.rows} rows and ${result.recordings} recordings from the backup of ${result.manifest.createdAt}.\n` +
        (result.migratedAfter.length > 0
          ? `Then applied ${result.migratedAfter.length} newer migrations.\n`
          : ''),
    );
    return 0;
  } catch (err) {
    if (err instanceof KeyMismatchError || err instanceof BackupError) {
      process.stderr.write(`restore refused: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), exitOnStartupError);

import { BackupError } from '@overcast/db';
import { restoreBackup } from './backup/archive';
import { KeyMismatchError } from './backup/key-check';
import { runCommand } from './command';
import { exitOnStartupError } from './startup';

const USAGE = `Usage: ./bin/restore FILE

Restores a backup made by ./bin/backup into the database of DATABASE_URL, which must be
empty (a new database): stop the api and the worker, create the database, restore, start.
The settings must hold the credentials key the backup was made with; a backup sealed with
another key is refused before anything is written. Migrations newer than the backup are
applied after the data is in.`;

const main = () =>
  runCommand({
    name: 'restore',
    usage: USAGE,
    positionals: 1,
    refused: (err) => err instanceof KeyMismatchError || err instanceof BackupError,
    refusal: 'restore refused: ',
    async act({ db, settings, positionals }) {
      const result = await restoreBackup(db, settings, positionals[0]!);
      const newer = result.migratedAfter.length;
      return (
        `Restored ${result.rows} rows and ${result.recordings} recordings from the backup of ${result.manifest.createdAt}.` +
        (newer > 0 ? `\nThen applied ${newer} newer migrations.` : '')
      );
    },
  });

main().then((code) => process.exit(code), exitOnStartupError);

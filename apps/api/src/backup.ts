import { dirname, join } from 'node:path';
import { BackupError } from '@overcast/db';
import { writeBackup } from './backup/archive';
import { KeyMismatchError } from './backup/key-check';
import { runCommand } from './command';
import { exitOnStartupError } from './startup';

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

const main = () =>
  runCommand({
    name: 'backup',
    usage: USAGE,
    options: { output: { type: 'string', short: 'o' } },
    positionals: 0,
    refused: (err) => err instanceof KeyMismatchError || err instanceof BackupError,
    refusal: 'backup refused: ',
    async act({ db, settings, settingsPath, values }) {
      const output = typeof values.output === 'string' ? values.output : defaultOutput(settingsPath);
      const manifest = await writeBackup(db, settings, output);
      const rows = manifest.database.tables.reduce((n, t) => n + t.rows, 0);
      return (
        `Backed up ${rows} rows in ${manifest.database.tables.length} tables and ${manifest.recordings} recordings to ${output}\n` +
        `Credentials key fingerprint: ${manifest.keyFingerprint} (restore needs the same key).`
      );
    },
  });

main().then((code) => process.exit(code), exitOnStartupError);

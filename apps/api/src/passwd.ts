import { parseArgs } from 'node:util';
import { InvalidInputError, resetPassword } from '@overcast/core/auth';
import { DomainError } from '@overcast/core/errors';
import { migrateDeploy } from '@overcast/db';
import { choosePassword } from './password-prompt';
import { exitOnStartupError, loadApiSettings, openDatabase } from './startup';

const USAGE = `Usage: ./bin/passwd [--password-stdin] EMAIL

Sets a new password for the user with this email, and logs them out everywhere.
  --password-stdin   read the password from standard input
Without --password-stdin, a terminal is asked for the password; with no terminal,
a password is generated and printed.`;

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        'password-stdin': { type: 'boolean', default: false },
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
  const email = args.positionals[0];
  if (!email || args.positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { settings } = loadApiSettings();
  const db = await openDatabase(settings.databaseUrl, 'overcast-passwd');
  try {
    await migrateDeploy(db.pool);
    const { password, generated } = await choosePassword(Boolean(args.values['password-stdin']));
    const done = await resetPassword(db, { email, password, minLength: settings.passwords.minLength });
    const ended = done.endedSessions === 1 ? '1 session' : `${done.endedSessions} sessions`;
    process.stdout.write(`Changed the password of ${done.email}; ended ${ended}.\n`);
    if (generated)
      process.stdout.write(`Password: ${password}\n(Shown once. Log in and keep it somewhere safe.)\n`);
    return 0;
  } catch (err) {
    if (err instanceof DomainError || err instanceof InvalidInputError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), exitOnStartupError);

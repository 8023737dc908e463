import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Database, migrateDeploy } from '@overcast/db';
import type { Settings } from '@overcast/runtime';
import { choosePassword } from './password-prompt';
import { loadApiSettings, openDatabase } from './startup';

/** What an account command is given once its command line is read and the database is ready. */
export interface AccountCommandInput {
  db: Database;
  settings: Settings;
  email: string;
  values: Record<string, string | boolean | undefined>;
  password: string;
}

/**
 * The frame of the account commands (bin/adduser, bin/passwd): `[options] EMAIL`, the settings,
 * the database at the current schema and a password (asked on the terminal, read from standard
 * input with --password-stdin, or generated and printed once). `act` says what it did; a refusal
 * it expects (`refused`) is printed and exits 1; a usage mistake exits 2.
 */
export async function runAccountCommand(command: {
  name: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  act(input: AccountCommandInput): Promise<string>;
  refused(err: unknown): boolean;
}): Promise<number> {
  let args: { values: AccountCommandInput['values']; positionals: string[] };
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        ...command.options,
        'password-stdin': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }) as typeof args;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${command.usage}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const email = args.positionals[0];
  if (!email || args.positionals.length > 1) {
    process.stderr.write(`${command.usage}\n`);
    return 2;
  }
  const { settings } = loadApiSettings();
  const db = await openDatabase(settings.databaseUrl, `overcast-${command.name}`);
  try {
    await migrateDeploy(db.pool);
    const { password, generated } = await choosePassword(Boolean(args.values['password-stdin']));
    process.stdout.write(`${await command.act({ db, settings, email, values: args.values, password })}\n`);
    if (generated)
      process.stdout.write(`Password: ${password}\n(Shown once. Log in and keep it somewhere safe.)\n`);
    return 0;
  } catch (err) {
    if (command.refused(err)) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

import type { ParseArgsConfig } from 'node:util';
import { type Database, migrateDeploy } from '@overcast/db';
import type { Settings } from '@overcast/runtime';
import { runCommand } from './command';
import { choosePassword } from './password-prompt';

/** What an account command is given once its command line is read and the database is ready. */
export interface AccountCommandInput {
  db: Database;
  settings: Settings;
  email: string;
  values: Record<string, string | boolean | undefined>;
  password: string;
}

/** How every account command is given its password, the end of its usage. */
const PASSWORD_USAGE = `  --password-stdin   read the password from standard input
Without --password-stdin, a terminal is asked for the password; with no terminal,
a password is generated and printed.`;

/**
 * The account commands (bin/adduser, bin/passwd): `[options] EMAIL`, the database at the current
 * schema and a password (asked on the terminal, read from standard input with --password-stdin,
 * or generated and printed once).
 */
export function runAccountCommand(command: {
  name: string;
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  act(input: AccountCommandInput): Promise<string>;
  refused(err: unknown): boolean;
}): Promise<number> {
  return runCommand({
    ...command,
    usage: `${command.usage}\n${PASSWORD_USAGE}`,
    options: { ...command.options, 'password-stdin': { type: 'boolean', default: false } },
    positionals: 1,
    async act({ db, settings, values, positionals }) {
      await migrateDeploy(db.pool);
      const { password, generated } = await choosePassword(Boolean(values['password-stdin']));
      const done = await command.act({ db, settings, email: positionals[0]!, values, password });
      return generated
        ? `${done}\nPassword: ${password}\n(Shown once. Log in and keep it somewhere safe.)`
        : done;
    },
  });
}

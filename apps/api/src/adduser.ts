import { parseArgs } from 'node:util';
import { createUser, InvalidInputError, UserExistsError } from '@overcast/core/auth';
import { migrateDeploy } from '@overcast/db';
import { choosePassword } from './password-prompt';
import { exitOnStartupError, loadApiSettings, openDatabase } from './startup';

const USAGE = `Usage: ./bin/adduser [--admin] [--name NAME] [--password-stdin] EMAIL

Creates a user, and the organization if there is none yet.
  --admin            make the user an owner of the organization
  --name NAME        the user's display name
  --password-stdin   read the password from standard input
Without --password-stdin, a terminal is asked for the password; with no terminal,
a password is generated and printed.`;

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        admin: { type: 'boolean', default: false },
        name: { type: 'string' },
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
  const db = await openDatabase(settings.databaseUrl, 'overcast-adduser');
  try {
    await migrateDeploy(db.pool);
    const { password, generated } = await choosePassword(Boolean(args.values['password-stdin']));
    const user = await createUser(db, {
      email,
      password,
      admin: Boolean(args.values.admin),
      minPasswordLength: settings.passwords.minLength,
      name: typeof args.values.name === 'string' ? args.values.name : undefined,
    });
    const org = user.organizationCreated
      ? `new organization "${user.organizationName}"`
      : `"${user.organizationName}"`;
    process.stdout.write(`Created ${user.email}, ${user.role} of ${org}.\n`);
    if (generated)
      process.stdout.write(`Password: ${password}\n(Shown once. Log in and keep it somewhere safe.)\n`);
    return 0;
  } catch (err) {
    if (err instanceof UserExistsError || err instanceof InvalidInputError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), exitOnStartupError);

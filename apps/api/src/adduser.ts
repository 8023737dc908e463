import { createUser, InvalidInputError, UserExistsError } from '@overcast/core/auth';
import { runAccountCommand } from './account-command';
import { exitOnStartupError } from './startup';

const USAGE = `Usage: ./bin/adduser [--admin] [--name NAME] [--password-stdin] EMAIL

Creates a user, and the organization if there is none yet.
  --admin            make the user an owner of the organization
  --name NAME        the user's display name`;

const main = () =>
  runAccountCommand({
    name: 'adduser',
    usage: USAGE,
    options: { admin: { type: 'boolean', default: false }, name: { type: 'string' } },
    refused: (err) => err instanceof UserExistsError || err instanceof InvalidInputError,
    async act({ db, settings, email, values, password }) {
      const user = await createUser(db, {
        email,
        password,
        admin: Boolean(values.admin),
        minPasswordLength: settings.passwords.minLength,
        name: typeof values.name === 'string' ? values.name : undefined,
      });
      const org = user.organizationCreated
        ? `new organization "${user.organizationName}"`
        : `"${user.organizationName}"`;
      return `Created ${user.email}, ${user.role} of ${org}.`;
    },
  });

main().then((code) => process.exit(code), exitOnStartupError);

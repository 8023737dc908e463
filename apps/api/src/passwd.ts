import { InvalidInputError, resetPassword } from '@overcast/core/auth';
import { DomainError } from '@overcast/core/errors';
import { runAccountCommand } from './account-command';
import { exitOnStartupError } from './startup';

const USAGE = `Usage: ./bin/passwd [--password-stdin] EMAIL

Sets a new password for the user with this email, and logs them out everywhere.`;

const main = () =>
  runAccountCommand({
    name: 'passwd',
    usage: USAGE,
    refused: (err) => err instanceof DomainError || err instanceof InvalidInputError,
    async act({ db, settings, email, password }) {
      const done = await resetPassword(db, { email, password, minLength: settings.passwords.minLength });
      const ended = done.endedSessions === 1 ? '1 session' : `${done.endedSessions} sessions`;
      return `Changed the password of ${done.email}; ended ${ended}.`;
    },
  });

main().then((code) => process.exit(code), exitOnStartupError);

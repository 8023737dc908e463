import { createDatabase, type Database, MigrationError } from '@overcast/db';
import { type LoadedSettings, loadSettings, SettingsError } from '@overcast/runtime';

/** Prints one clear line for problems a person must fix, and exits; a stack trace only for bugs. */
export function exitOnStartupError(err: unknown): never {
  if (err instanceof SettingsError || err instanceof MigrationError || err instanceof StartupError) {
    process.stderr.write(`overcast: ${err.message}\n`);
  } else {
    process.stderr.write(
      `overcast: unexpected error during start: ${(err as Error)?.stack ?? String(err)}\n`,
    );
  }
  process.exit(1);
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** The URL with any password removed, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export function loadApiSettings(): LoadedSettings {
  return loadSettings({ create: true });
}

/** Connects, saying plainly when Postgres cannot be reached. */
export async function openDatabase(url: string, applicationName: string): Promise<Database> {
  const db = createDatabase({ url, applicationName });
  try {
    await db.pool.query('SELECT 1');
  } catch (err) {
    await db.close();
    throw new StartupError(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return db;
}

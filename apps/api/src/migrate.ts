import { migrateDeploy } from '@overcast/db';
import { exitOnStartupError, loadApiSettings, openDatabase } from './startup';

// `node dist/migrate.js`: applies pending migrations and exits (the api also does this on start).
async function main(): Promise<void> {
  const { settings } = loadApiSettings();
  const db = await openDatabase(settings.databaseUrl, 'overcast-migrate');
  const { applied, alreadyApplied } = await migrateDeploy(db.pool);
  process.stdout.write(
    applied.length
      ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`
      : `Database is up to date (${alreadyApplied} migration(s) applied).\n`,
  );
  await db.close();
}

main().catch(exitOnStartupError);

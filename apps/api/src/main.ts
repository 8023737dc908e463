import { auditSettingsChange } from '@overcast/core/settings';
import { migrateDeploy } from '@overcast/db';
import { createLogger, createRuntime } from '@overcast/runtime';
import { buildApp } from './app';
import { exitOnStartupError, loadApiSettings, openDatabase } from './startup';

async function main(): Promise<void> {
  const { settings, path, created } = loadApiSettings();
  const logger = createLogger(settings.logLevel, 'api');
  if (created) logger.info({ path }, 'created settings file with fresh secrets');
  const db = await openDatabase(settings.databaseUrl, 'overcast-api');
  const { applied } = await migrateDeploy(db.pool);
  if (applied.length) logger.info({ applied }, 'applied database migrations');
  const changed = await auditSettingsChange(db, settings);
  if (changed.length) logger.info({ changed }, 'settings changed since the last start');
  const runtime = createRuntime(settings, { name: 'api', db, logger });
  const app = await buildApp(runtime);
  await app.listen({ host: settings.host, port: settings.port });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch(exitOnStartupError);

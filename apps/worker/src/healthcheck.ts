import { createRedis, loadSettings } from '@overcast/runtime';
import { hostHeartbeatKey } from './heartbeat';

// `node dist/healthcheck.js`: exits 0 while this host's worker keeps its heartbeat fresh.
async function main(): Promise<number> {
  const { settings } = loadSettings();
  // A one-shot check: queue the command until the connection is up (bounded by connectTimeout).
  const redis = createRedis(settings.redisUrl, { enableOfflineQueue: true, retryStrategy: () => null });
  try {
    const beat = await redis.get(hostHeartbeatKey());
    if (!beat) {
      process.stderr.write('worker: no heartbeat in Redis\n');
      return 1;
    }
    return 0;
  } catch (err) {
    process.stderr.write(`worker: cannot check heartbeat: ${(err as Error).message}\n`);
    return 1;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  () => process.exit(1),
);

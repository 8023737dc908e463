// A process that lists one cloud account through Overcast's driver and reports, as the worker
// does: only the provider's own SDK is loaded (through the lazy registry). Run bundled by
// `_peers.ts`, so its memory is what production pays, not a TypeScript loader's.
// With BENCH_SYNC ({"databaseUrl", "target"}), the listing streams into a first sync of that
// cloud, as a worker's poll does, and the time covers both.
import { readFileSync } from 'node:fs';
import { loadDriverFactory } from '@overcast/providers/registry';

const [provider, endpoint, credentials, config] = process.argv.slice(2);
const create = provider ? await loadDriverFactory(provider) : undefined;
if (!create || !endpoint || !credentials) {
  console.error('usage: driver-list.mjs PROVIDER ENDPOINT CREDENTIALS_JSON [CONFIG_JSON]');
  process.exit(2);
}
const sync = process.env.BENCH_SYNC ? JSON.parse(process.env.BENCH_SYNC) : undefined;
// Loaded, and the pool connected, before the clock starts: a worker has done both before it polls.
const inventory = sync ? await import('@overcast/core/inventory') : undefined;
const db = sync
  ? (await import('@overcast/db')).createDatabase({ url: sync.databaseUrl, max: 2 })
  : undefined;
await db?.pool.query('SELECT 1');
// The SDK loads before the clock starts, as Libcloud's driver module does in its peer.
const start = performance.now();
const driver = create({
  credentials: JSON.parse(credentials),
  endpoint,
  config: config ? JSON.parse(config) : undefined,
});
const signal = new AbortController().signal;
let count = 0;
if (inventory && db) {
  count = (await inventory.syncMachines(db, sync.target, driver.listMachines(signal), { signal })).seen;
} else {
  const machines = [];
  for await (const m of driver.listMachines(signal)) machines.push(m);
  count = machines.length;
}
const seconds = (performance.now() - start) / 1000;
// Not process.resourceUsage().maxRSS: that keeps the high-water mark of the parent this
// process was forked from, before it exec'd node.
const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
if (!hwm) throw new Error('no VmHWM in /proc/self/status');
await db?.close();
console.log(JSON.stringify({ machines: count, seconds, peak_rss_kb: Number(hwm[1]) }));

// Listing one account in a process of its own, through Overcast's driver and through Apache
// Libcloud (Debian's python3-libcloud, the engine under Mist's inventory), against the same
// emulator: machines per second and the process's peak memory.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { median } from './_support';

const root = resolve(import.meta.dirname, '..');
// Inside the providers package, so its SDKs resolve from there as they do for the worker.
const outdir = resolve(root, 'packages/providers/.bench-out');
const bundle = resolve(outdir, '_driver-list.js');

export interface ListFigures {
  machines: number;
  seconds: number;
  peakMb: number;
}

let built: Promise<unknown> | undefined;
function buildOnce() {
  if (built) return built;
  // Emptied first: chunks of earlier builds would otherwise pile up there.
  rmSync(outdir, { recursive: true, force: true });
  built = build({
    entryPoints: [resolve(root, 'bench/_driver-list.ts')],
    outdir,
    bundle: true,
    // Split like the worker's build, so a driver's SDK loads only when that driver does.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        // Workspace packages ship TypeScript source and are inlined, as the app build does;
        // third-party packages stay external.
        name: 'external-third-party',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@overcast/') || args.path.startsWith('node:')
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return built;
}

function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ListFigures> {
  return new Promise((done, fail) =>
    execFile(file, args, { maxBuffer: 1 << 20, env: env ?? process.env }, (err, stdout, stderr) => {
      if (err && /No module named 'libcloud'/.test(stderr)) {
        return fail(new Error('Apache Libcloud is not installed: apt-get install python3-libcloud'));
      }
      if (err) return fail(new Error(`${args[0]} failed: ${stderr || err.message}`));
      const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        machines: number;
        seconds: number;
        peak_rss_kb: number;
      };
      done({ machines: out.machines, seconds: out.seconds, peakMb: out.peak_rss_kb / 1024 });
    }),
  );
}

export type PeerProvider = 'ec2' | 'digitalocean';

export interface PeerTarget {
  provider: PeerProvider;
  url: string;
  /** EC2: access key id and secret; DigitalOcean: the token. */
  key: string;
  secret?: string;
  regions?: readonly string[];
}

/** A first sync the listing streams into: the bench's database and an empty cloud in it. */
export interface SyncInto {
  databaseUrl: string;
  target: unknown;
}

export async function overcastList(t: PeerTarget, sync?: SyncInto): Promise<ListFigures> {
  await buildOnce();
  const [kind, credentials, config] =
    t.provider === 'ec2'
      ? ['aws', { accessKeyId: t.key, secretAccessKey: t.secret }, { regions: t.regions }]
      : ['digitalocean', { token: t.key }, undefined];
  const args = [bundle, kind, t.url, JSON.stringify(credentials)];
  if (config) args.push(JSON.stringify(config));
  return run(process.execPath, args, sync && { ...process.env, BENCH_SYNC: JSON.stringify(sync) });
}

/**
 * DigitalOcean listed by node:http and JSON.parse alone (`_bare_list.mjs`): the floor under any
 * Node driver's rate, medians of three. EC2 has none: its requests need the SDK's signing.
 */
export async function bareNodeList(t: PeerTarget): Promise<ListFigures | undefined> {
  if (t.provider !== 'digitalocean') return undefined;
  const rounds: ListFigures[] = [];
  for (let i = 0; i < 3; i++) {
    rounds.push(await run(process.execPath, [resolve(root, 'bench/_bare_list.mjs'), t.url, t.key]));
  }
  return medianFigures(rounds);
}

export const LIBCLOUD_PYTHON = '/usr/bin/python3';

export function libcloudList(t: PeerTarget): Promise<ListFigures> {
  const args = [resolve(root, 'bench/_libcloud_list.py'), t.provider, t.url, t.key];
  if (t.provider === 'ec2') args.push(t.secret!, t.regions!.join(','));
  return run(LIBCLOUD_PYTHON, args);
}

export function medianFigures(xs: ListFigures[]): ListFigures {
  return {
    machines: xs[0]!.machines,
    seconds: median(xs.map((x) => x.seconds)),
    peakMb: median(xs.map((x) => x.peakMb)),
  };
}

/** Three rounds each, alternating who goes first, so neither always meets a warm emulator. */
export async function compareListing(
  t: PeerTarget,
  rounds = 3,
): Promise<{ overcast: ListFigures; libcloud: ListFigures }> {
  const ours: ListFigures[] = [];
  const theirs: ListFigures[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      ours.push(await overcastList(t));
      theirs.push(await libcloudList(t));
    } else {
      theirs.push(await libcloudList(t));
      ours.push(await overcastList(t));
    }
  }
  return { overcast: medianFigures(ours), libcloud: medianFigures(theirs) };
}

/** What an empty process of each runtime peaks at: the floor under either side's memory figure. */
export async function runtimeFloors(): Promise<{ nodeMb: number; pythonMb: number }> {
  const read = (file: string, args: string[]) =>
    new Promise<number>((done, fail) =>
      execFile(file, args, (err, stdout) =>
        err ? fail(err) : done(Number(/VmHWM:\s+(\d+) kB/.exec(stdout)?.[1] ?? Number.NaN) / 1024),
      ),
    );
  const [nodeMb, pythonMb] = await Promise.all([
    read(process.execPath, [
      '-e',
      "process.stdout.write(require('fs').readFileSync('/proc/self/status', 'utf8'))",
    ]),
    read(LIBCLOUD_PYTHON, ['-c', "print(open('/proc/self/status').read())"]),
  ]);
  return { nodeMb, pythonMb };
}

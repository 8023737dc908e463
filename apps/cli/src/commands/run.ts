import type { ScriptRun, StartScriptRunRequest, StreamEvent, TargetSelector } from '@overcast/contracts';
import { parseTag } from '@overcast/contracts/tags';
import type { Client } from '../client';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { resolveCloud, resolveMachine, resolveScript } from '../resolve';
import { openEventStream } from '../stream';
import type { StartedRun } from '../types';

/** The exit status of a machine whose script never gave one (unreachable, timed out, not allowed). */
const NO_EXIT_CODE = 255;
/** How often the run is read back, in case the stream misses its end. */
const POLL_MS = 2000;

type Target = ScriptRun['targets'][number];

/** `tag=env=prod`, `machine=web-1`, `cloud=do-prod` -> one TargetSelector (tags all match; any machine or cloud). */
export async function targetsOf(client: Client, selectors: string[]): Promise<TargetSelector> {
  if (selectors.length === 0)
    throw new UsageError('Say where to run it: --on tag=KEY=VALUE, --on machine=NAME or --on cloud=NAME.');
  const target: Required<TargetSelector> = { machineIds: [], tags: {}, cloudIds: [] };
  for (const selector of selectors) {
    const eq = selector.indexOf('=');
    const kind = eq === -1 ? '' : selector.slice(0, eq);
    const value = selector.slice(eq + 1);
    if (!value) throw new UsageError(`--on ${selector}: nothing after "=".`);
    if (kind === 'tag') {
      const { key, value: tagValue } = parseTag(value);
      target.tags[key] = tagValue;
    } else if (kind === 'machine') target.machineIds.push((await resolveMachine(client, value)).id);
    else if (kind === 'cloud') target.cloudIds.push((await resolveCloud(client, value)).id);
    else throw new UsageError(`--on ${selector}: use tag=KEY=VALUE, machine=NAME|ID or cloud=NAME|ID.`);
  }
  return {
    ...(target.machineIds.length ? { machineIds: target.machineIds } : {}),
    ...(Object.keys(target.tags).length ? { tags: target.tags } : {}),
    ...(target.cloudIds.length ? { cloudIds: target.cloudIds } : {}),
  };
}

/** `NAME=VALUE` words (of `--param`, `--input`) as an object; the value may hold "=". */
export function paramsOf(words: string[], option = '--param'): Record<string, string> {
  const params: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq < 1) throw new UsageError(`${option} ${word}: write it NAME=VALUE.`);
    params[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return params;
}

/** The worst machine's exit status: 0 only when every machine succeeded. */
export function worstExitCode(targets: Pick<Target, 'status' | 'exitCode'>[]): number {
  let worst = 0;
  for (const t of targets) {
    const code = t.status === 'succeeded' ? 0 : t.exitCode && t.exitCode > 0 ? t.exitCode : NO_EXIT_CODE;
    worst = Math.max(worst, code);
  }
  return worst;
}

/** Output of several machines, each line prefixed by its machine's name; partial lines wait for their end. */
class Prefixer {
  private partial = new Map<string, string>();
  constructor(private readonly names: Map<string, string>) {}

  write(targetId: string, stream: 'stdout' | 'stderr', data: string): void {
    const key = `${targetId}:${stream}`;
    const text = (this.partial.get(key) ?? '') + data;
    const cut = text.lastIndexOf('\n') + 1;
    this.partial.set(key, text.slice(cut));
    if (cut > 0) this.emit(targetId, stream, text.slice(0, cut));
  }

  flush(targetId: string): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial.get(`${targetId}:${stream}`);
      this.partial.delete(`${targetId}:${stream}`);
      if (rest) this.emit(targetId, stream, `${rest}\n`);
    }
  }

  private emit(targetId: string, stream: 'stdout' | 'stderr', text: string): void {
    const out = stream === 'stdout' ? process.stdout : process.stderr;
    if (this.names.size <= 1) return void out.write(text);
    const prefix = `${this.names.get(targetId) ?? targetId} | `;
    out.write(text.replace(/^(?=.)/gm, prefix));
  }
}

function describe(t: Target): string {
  if (t.status === 'succeeded') return `${t.machineName}: succeeded`;
  const code = t.exitCode === null ? '' : ` (exit ${t.exitCode})`;
  return `${t.machineName}: ${t.status.replace('_', ' ')}${code}${t.error ? `: ${t.error}` : ''}`;
}

async function runScript(client: Client, body: StartScriptRunRequest, scriptId: string): Promise<number> {
  const early: StreamEvent[] = [];
  let handle: ((event: StreamEvent) => void) | null = null;
  let missed = false;
  let streamError: Error | null = null;
  const stream = openEventStream(client.endpoint, {
    onEvent: (event) => (handle ? handle(event) : early.push(event)),
    onResume: () => {
      missed = true;
    },
    onEnd: (error) => {
      streamError = error;
    },
  });
  try {
    // Listening before the run starts: its first output cannot slip past.
    await stream.ready;
    const started = await client.post<StartedRun>(`/scripts/${scriptId}/runs`, body);
    const initial = await client.get<ScriptRun>(`/script-runs/${started.id}`);
    const names = new Map(initial.targets.map((t) => [t.id, t.machineName]));
    const reported = new Set<string>();
    const out = new Prefixer(names);
    process.stderr.write(
      `Run ${started.id}: ${started.targets} machine${started.targets === 1 ? '' : 's'}\n`,
    );
    const report = (t: Target) => {
      if (reported.has(t.id)) return;
      reported.add(t.id);
      out.flush(t.id);
      process.stderr.write(`${describe(t)}\n`);
    };
    let finished: (() => void) | null = null;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    handle = (event) => {
      if (!('runId' in event) || event.runId !== started.id) return;
      if (event.type === 'script.output') out.write(event.targetId, event.stream, event.data);
      else if (event.type === 'script.target' && !['queued', 'running'].includes(event.status)) {
        report({
          ...(initial.targets.find((t) => t.id === event.targetId) as Target),
          status: event.status,
          exitCode: event.exitCode,
          error: event.error,
        });
      } else if (event.type === 'script.run' && !['queued', 'running'].includes(event.status)) finished?.();
    };
    for (const event of early.splice(0)) handle(event);
    // The stream says when it ends; reading the run now and then covers a stream that broke.
    let final: ScriptRun = initial;
    for (;;) {
      if (final.finishedAt) break;
      const poll = new Promise((r) => setTimeout(r, POLL_MS));
      await Promise.race([done, poll]);
      final = await client.get<ScriptRun>(`/script-runs/${started.id}`);
    }
    for (const t of final.targets) {
      // Output the stream did not bring (it broke for a while) comes from the stored run.
      if (missed || streamError) {
        if (!reported.has(t.id)) {
          out.write(t.id, 'stdout', t.stdout);
          out.write(t.id, 'stderr', t.stderr);
        }
      }
      report(t);
    }
    if (missed || streamError)
      process.stderr.write(
        `The live output was interrupted; the full record: overcast get runs ${started.id} -o yaml\n`,
      );
    return worstExitCode(final.targets);
  } finally {
    stream.close();
  }
}

export const run: Command = {
  name: 'run',
  summary: 'Run a script on machines, with its output streamed',
  help: `Usage: overcast run script NAME|ID --on SELECTOR... [--param NAME=VALUE...] [options]

Runs the script on every machine the selectors pick and streams each machine's output as it
comes (lines prefixed with the machine's name when there are several). Exits with the worst
machine's exit status: 0 when all succeeded, ${NO_EXIT_CODE} for a machine that gave none
(unreachable, timed out, not allowed).

Selectors (--on, repeatable):
  tag=KEY=VALUE     Machines carrying this tag (tag=KEY: any value); several tags must all match
  machine=NAME|ID   This machine
  cloud=NAME|ID     Every machine of this cloud
A machine picked by any selector kind is included.

Options:
  --param NAME=VALUE   A parameter, passed to the script as an environment variable (repeatable)
  --timeout SECONDS    Per machine (at most the server's automation.scriptTimeoutSeconds)`,
  options: {
    on: { type: 'string', multiple: true },
    param: { type: 'string', multiple: true },
    timeout: { type: 'string' },
  },
  async run(cli) {
    const what = cli.arg(0, 'what to run (overcast run script NAME)');
    if (what !== 'script')
      throw new UsageError(`Cannot run "${what}"; only scripts run: overcast run script NAME.`);
    const ref = cli.arg(1, 'the script name or id');
    const timeout = cli.string('timeout');
    if (timeout !== undefined && !/^[1-9]\d*$/.test(timeout))
      throw new UsageError('--timeout takes whole seconds.');
    const client = cli.client();
    const script = await resolveScript(client, ref);
    const body: StartScriptRunRequest = {
      targets: await targetsOf(client, cli.strings('on')),
      params: paramsOf(cli.strings('param')),
      ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
    };
    return runScript(client, body, script.id);
  },
};

import type { DeployRequest, DeployStackRequest, Stack, StreamEvent } from '@overcast/contracts';
import type { Client } from '../client';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { resolveTemplate } from '../resolve';
import { openEventStream } from '../stream';
import { paramsOf } from './run';

/** How often the stack is read back, in case the stream misses its end. */
const POLL_MS = 2000;
/** Stack statuses a deploy ends in; only the first is a success. */
const ENDED = ['deployed', 'failed', 'destroying', 'destroyed'];

/** Prints each machine, volume, container and step of the stack as its status changes. */
class Progress {
  private shown = new Map<string, string>();

  line(what: string, status: string): void {
    if (this.shown.get(what) === status) return;
    this.shown.set(what, status);
    process.stdout.write(`${what}: ${status}\n`);
  }

  event(e: Extract<StreamEvent, { type: 'stack.changed' }>): void {
    if (e.part !== 'stack') this.line(`${e.part} ${e.name}`, e.status);
  }

  /** What the stack read back says; catches up on anything the stream did not bring. */
  stack(s: Stack): void {
    for (const r of s.resources) this.line(`resource ${r.name}`, r.status);
    for (const step of s.steps) this.line(`step ${step.name}`, step.status);
  }
}

/** Deploys and follows the stack until it is deployed or failed: 0 when deployed. */
async function deployWatched(client: Client, body: DeployStackRequest): Promise<number> {
  const early: StreamEvent[] = [];
  let handle: ((event: StreamEvent) => void) | null = null;
  // Reading the stack back covers a stream that breaks or ends: its end is not an error here.
  const stream = openEventStream(client.endpoint, {
    onEvent: (event) => (handle ? handle(event) : early.push(event)),
    onEnd: () => {},
  });
  try {
    // Listening before the deploy starts: its first changes cannot slip past.
    await stream.ready;
    const first = await client.post<Stack | DeployRequest>('/stacks', body);
    if ('refusal' in first) return awaitingApproval(first, 1);
    const progress = new Progress();
    let wake: () => void = () => {};
    handle = (event) => {
      if (event.type !== 'stack.changed' || event.stackId !== first.id) return;
      progress.event(event);
      if (event.part === 'stack') wake();
    };
    for (const event of early.splice(0)) handle(event);
    let stack = first;
    for (;;) {
      progress.stack(stack);
      if (ENDED.includes(stack.status)) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      stack = await client.get<Stack>(`/stacks/${first.id}`);
    }
    if (stack.status !== 'deployed') {
      process.stdout.write(`stack ${stack.name} ${stack.status}${stack.error ? `: ${stack.error}` : ''}\n`);
      return 1;
    }
    process.stdout.write(`stack ${stack.name} deployed\n`);
    for (const [key, value] of Object.entries(stack.outputs)) process.stdout.write(`  ${key} = ${value}\n`);
    return 0;
  } finally {
    stream.close();
  }
}

function awaitingApproval(request: DeployRequest, code: number): number {
  process.stdout.write(
    `${request.stackName} waits for an admin's approval (request ${request.id}): ${request.refusal}\n`,
  );
  return code;
}

export const deploy: Command = {
  name: 'deploy',
  summary: 'Deploy a template as a stack, and follow it with --watch',
  help: `Usage: overcast deploy TEMPLATE --name STACK [--input NAME=VALUE...] [options]

Deploys TEMPLATE (a name or an id) as the stack STACK: its machines are made, then its steps
run. Without --watch it returns once the deploy has started; with it, it prints each machine
and step as its status changes (from the live stream) and exits 0 once the stack is deployed,
1 when it failed. A deploy over a budget that asks for approval waits for an admin; it says so
(and, with --watch, exits 1).

Options:
  --name STACK         The stack's name (lowercase letters, digits and -); machines are named after it
  --input NAME=VALUE   A template input (repeatable); defaults fill the rest
  --version N          That version of the template instead of its current one
  -w, --watch          Follow the deploy until it is deployed or failed`,
  options: {
    name: { type: 'string' },
    input: { type: 'string', multiple: true },
    version: { type: 'string' },
    watch: { type: 'boolean', short: 'w' },
  },
  async run(cli) {
    const ref = cli.arg(0, 'the template name or id');
    const name = cli.string('name');
    if (!name) throw new UsageError('Name the stack: --name STACK.');
    const version = cli.string('version');
    if (version !== undefined && !/^[1-9]\d*$/.test(version))
      throw new UsageError('--version takes a whole number above 0.');
    const inputs = paramsOf(cli.strings('input'), '--input');
    const client = cli.client();
    const template = await resolveTemplate(client, ref);
    const body: DeployStackRequest = {
      name,
      templateId: template.id,
      ...(Object.keys(inputs).length ? { inputs } : {}),
      ...(version ? { version: Number(version) } : {}),
    };
    if (!cli.flag('watch')) {
      const made = await client.post<Stack | DeployRequest>('/stacks', body);
      if ('refusal' in made) return awaitingApproval(made, 0);
      process.stdout.write(`stack ${made.name} ${made.status} (${made.id})\n`);
      return 0;
    }
    return deployWatched(client, body);
  },
};

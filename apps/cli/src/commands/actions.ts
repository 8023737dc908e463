import type { Machine, MachineActionRequest, MachineDetail } from '@overcast/contracts';
import { parseTag } from '@overcast/contracts/tags';
import type { Client } from '../client';
import type { Command } from '../command';
import { CliError, UsageError } from '../errors';
import { ask } from '../prompt';
import { resolveMachine } from '../resolve';

type Action = 'start' | 'stop' | 'reboot' | 'destroy' | 'deallocate';

/** The state an action ends in, for --wait. */
const SETTLED: Record<Action, string> = {
  start: 'running',
  stop: 'stopped',
  reboot: 'running',
  destroy: 'terminated',
  deallocate: 'stopped',
};
const POLL_MS = 1000;

async function waitForState(client: Client, machine: Machine, state: string, timeoutSeconds: number) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const { machine: now } = await client.get<MachineDetail>(`/machines/${machine.id}`);
    if (now.state === state) return;
    if (Date.now() > deadline)
      throw new CliError(`${machine.name} is still ${now.state} after ${timeoutSeconds}s.`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function machineAction(action: Action, summary: string): Command {
  return {
    name: action,
    summary,
    help: `Usage: overcast ${action} MACHINE... [options]

MACHINE is a name or an id. The provider is asked at once; the new state arrives later (see
\`overcast get machines --watch\`), or wait for it with --wait.

Options:
  --wait            Wait until the machine is ${SETTLED[action]}
  --timeout SECONDS With --wait: give up after this long (default 300)${
    action === 'destroy'
      ? '\n  -y, --yes         Do not ask for confirmation (needed without a terminal)'
      : ''
  }`,
    options: {
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      ...(action === 'destroy' ? { yes: { type: 'boolean', short: 'y' } } : {}),
    },
    async run(cli) {
      cli.arg(0, 'a machine name or id');
      const timeout = Number(cli.string('timeout') ?? 300);
      if (!Number.isInteger(timeout) || timeout < 1) throw new UsageError('--timeout takes whole seconds.');
      const client = cli.client();
      const machines = [];
      for (const ref of cli.positionals) machines.push(await resolveMachine(client, ref));
      if (action === 'destroy' && !cli.flag('yes')) {
        const names = machines.map((m) => m.name).join(', ');
        if (!process.stdin.isTTY) throw new UsageError(`Destroying ${names} needs --yes.`);
        const answer = await ask(`Destroy ${names}? This cannot be undone. [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) {
          process.stderr.write('Nothing destroyed.\n');
          return 1;
        }
      }
      for (const machine of machines) {
        const body: MachineActionRequest = { action };
        await client.post(`/machines/${machine.id}/actions`, body);
        process.stdout.write(`${machine.name}: ${action} requested\n`);
      }
      if (cli.flag('wait')) {
        await Promise.all(machines.map((m) => waitForState(client, m, SETTLED[action], timeout)));
        for (const m of machines) process.stdout.write(`${m.name}: ${SETTLED[action]}\n`);
      }
      return 0;
    },
  };
}

export const actions = [
  machineAction('start', 'Start machines'),
  machineAction('stop', 'Stop machines'),
  machineAction('reboot', 'Reboot machines'),
  machineAction('destroy', 'Destroy machines'),
  machineAction('deallocate', 'Deallocate machines (where the provider offers it): no compute billed'),
];

export const tag: Command = {
  name: 'tag',
  summary: "Set or remove a machine's tags",
  help: `Usage: overcast tag MACHINE KEY=VALUE... KEY-...

Sets each KEY=VALUE (a bare KEY sets an empty value) and removes each KEY- on the machine,
a name or an id. Tags are key=value everywhere in Overcast; keys may hold colons.`,
  options: {},
  async run(cli) {
    const ref = cli.arg(0, 'a machine name or id');
    if (cli.positionals.length < 2) throw new UsageError('Give at least one KEY=VALUE or KEY-.');
    const set: Record<string, string> = {};
    const remove: string[] = [];
    for (const word of cli.positionals.slice(1)) {
      if (word.endsWith('-') && !word.includes('=')) remove.push(word.slice(0, -1));
      else {
        const { key, value } = parseTag(word);
        if (!key) throw new UsageError(`"${word}" has no key.`);
        set[key] = value;
      }
    }
    const client = cli.client();
    const machine = await resolveMachine(client, ref);
    if (Object.keys(set).length > 0) await client.post(`/machines/${machine.id}/tags`, { tags: set });
    for (const key of remove) await client.delete(`/machines/${machine.id}/tags/${encodeURIComponent(key)}`);
    process.stdout.write(`${machine.name}: tags updated\n`);
    return 0;
  },
};

import type { Command } from '../command';
import type { Context } from '../config';
import { configPath, readConfig, writeConfig } from '../config';
import { CliError, UsageError } from '../errors';
import { type Column, parseFormat, render } from '../output';

interface Row extends Omit<Context, 'token' | 'tokenId'> {
  current: boolean;
}

const columns: Column<Row>[] = [
  { header: 'CURRENT', value: (r) => (r.current ? '*' : '') },
  { header: 'NAME', value: (r) => r.name },
  { header: 'URL', value: (r) => r.url },
  { header: 'USER', value: (r) => r.user ?? '' },
  { header: 'ORGANIZATION', value: (r) => r.organization ?? '' },
];

export const context: Command = {
  name: 'context',
  summary: 'List the saved contexts or switch to another',
  help: `Usage:
  overcast context list [-o table|json|yaml|csv]   The contexts; * marks the current one
  overcast context use NAME                        Make NAME the current context
  overcast context current                         Print the current context's name`,
  options: { output: { type: 'string', short: 'o' } },
  async run(cli) {
    const path = configPath();
    const config = readConfig(path);
    const verb = cli.positionals[0] ?? 'list';
    if (verb === 'list') {
      // Tokens stay in the file: they are never printed.
      const rows: Row[] = config.contexts.map(({ token: _t, tokenId: _i, ...rest }) => ({
        ...rest,
        current: rest.name === config.current,
      }));
      const text = render(rows, columns, parseFormat(cli.string('output')));
      if (text) process.stdout.write(`${text}\n`);
      else process.stderr.write('No contexts: run `overcast login URL` first.\n');
      return 0;
    }
    if (verb === 'use') {
      const name = cli.arg(1, 'the context name (overcast context use NAME)');
      if (!config.contexts.some((c) => c.name === name))
        throw new CliError(
          `No context named "${name}" (contexts: ${config.contexts.map((c) => c.name).join(', ') || 'none'}).`,
        );
      writeConfig({ ...config, current: name }, path);
      process.stdout.write(`Switched to context "${name}".\n`);
      return 0;
    }
    if (verb === 'current') {
      if (!config.current) throw new CliError('No current context: run `overcast login URL` first.');
      process.stdout.write(`${config.current}\n`);
      return 0;
    }
    throw new UsageError(`Unknown subcommand "${verb}"; use list, use or current.`);
  },
};

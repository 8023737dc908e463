import { type ParseArgsConfig, parseArgs } from 'node:util';
import { Client } from './client';
import { activeContext, type Context, configPath, readConfig } from './config';
import { UsageError } from './errors';

export type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  context: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const GLOBAL_HELP = `Global options:
  --context NAME   Use this context instead of the current one
  -h, --help       Show help`;

export interface Command {
  name: string;
  summary: string;
  /** Full help: usage, arguments and the command's own options. */
  help: string;
  options: Options;
  run(invocation: Invocation): Promise<number | undefined>;
}

/** One parsed command line, with lazy access to the context and an API client for it. */
export class Invocation {
  constructor(
    readonly values: Values,
    readonly positionals: string[],
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  strings(name: string): string[] {
    const value = this.values[name];
    return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** The positional argument at `index`, or a usage error naming what is missing. */
  arg(index: number, what: string): string {
    const value = this.positionals[index];
    if (value === undefined) throw new UsageError(`Missing ${what}.`);
    return value;
  }

  context(): Context {
    return activeContext(readConfig(configPath()), this.string('context'));
  }

  client(): Client {
    const { url, token } = this.context();
    return new Client({ url, token });
  }
}

export function parse(command: Command, argv: string[]): Invocation {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    return new Invocation(values as Values, positionals);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nSee \`overcast ${command.name} --help\`.`);
  }
}

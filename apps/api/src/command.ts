import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Database } from '@overcast/db';
import type { Settings } from '@overcast/runtime';
import { loadApiSettings, openDatabase } from './startup';

/** What a command of bin/ is given once its command line is read and the database is open. */
export interface CommandInput {
  db: Database;
  settings: Settings;
  /** Where settings.json is: commands write beside it what should outlive a container. */
  settingsPath: string;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * The frame of the api's commands (bin/adduser, passwd, backup, restore): options and `--help`,
 * the number of positional arguments, the settings and the database. `act` says what it did; a
 * refusal it expects (`refused`) is printed with `refusal` before it and exits 1; a usage
 * mistake exits 2.
 */
export async function runCommand(command: {
  name: string;
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  positionals: number;
  act(input: CommandInput): Promise<string>;
  refused(err: unknown): boolean;
  refusal?: string;
}): Promise<number> {
  let args: { values: CommandInput['values']; positionals: string[] };
  try {
    args = parseArgs({
      allowPositionals: command.positionals > 0,
      options: { ...command.options, help: { type: 'boolean', short: 'h', default: false } },
    }) as typeof args;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${command.usage}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  if (args.positionals.length !== command.positionals) {
    process.stderr.write(`${command.usage}\n`);
    return 2;
  }
  const { settings, path } = loadApiSettings();
  const db = await openDatabase(settings.databaseUrl, `overcast-${command.name}`);
  try {
    const input = { db, settings, settingsPath: path, values: args.values, positionals: args.positionals };
    process.stdout.write(`${await command.act(input)}\n`);
    return 0;
  } catch (err) {
    if (command.refused(err)) {
      process.stderr.write(`${command.refusal ?? ''}${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

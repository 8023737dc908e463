import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './errors';

// Contexts, like kubectl's: each names an Overcast URL and the API token used there. The file
// holds tokens, so it is written with mode 0600 in a 0700 directory.

export interface Context {
  name: string;
  url: string;
  token: string;
  /** The token's id, so `logout` can revoke it. */
  tokenId?: string;
  /** Who the token acts for and where, as the API said at login (shown by `context list`). */
  user?: string;
  organization?: string;
}

export interface Config {
  current: string | null;
  contexts: Context[];
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OVERCAST_CONFIG) return env.OVERCAST_CONFIG;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'overcast', 'config.json');
}

export function readConfig(path = configPath()): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { current: null, contexts: [] };
    throw new CliError(`Cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<Config>;
    return {
      current: typeof parsed.current === 'string' ? parsed.current : null,
      contexts: Array.isArray(parsed.contexts) ? parsed.contexts : [],
    };
  } catch {
    throw new CliError(`${path} is not valid JSON; fix or remove it, then log in again.`);
  }
}

export function writeConfig(config: Config, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Written beside and renamed over, so a crash never leaves half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** The context a command works in: the one named, else the current one. */
export function activeContext(config: Config, name?: string): Context {
  const wanted = name ?? config.current;
  if (!wanted) throw new CliError('Not logged in: run `overcast login URL` first.');
  const context = config.contexts.find((c) => c.name === wanted);
  if (!context) {
    const known = config.contexts.map((c) => c.name).join(', ') || 'none';
    throw new CliError(`No context named "${wanted}" (contexts: ${known}).`);
  }
  return context;
}

/** Adds the context, or replaces the one of the same name. */
export function saveContext(config: Config, context: Context, makeCurrent: boolean): Config {
  const contexts = config.contexts.filter((c) => c.name !== context.name);
  contexts.push(context);
  return { current: makeCurrent ? context.name : config.current, contexts };
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCidr } from '@overcast/contracts/addresses';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { envName, settingLeaves } from './paths';
import { renderSettingsReadme } from './readme';
import { type Settings, SettingsSchema } from './schema';

/** A settings problem a person must fix; the message names the file and the key. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

export interface LoadSettingsOptions {
  /** Directory holding settings.json. Default: $OVERCAST_SETTINGS_DIR or ./settings. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  /** Create settings.json (with fresh secrets) when absent. Only the api does; the worker waits for it. */
  create?: boolean;
}

export interface LoadedSettings {
  settings: Settings;
  path: string;
  created: boolean;
}

export function settingsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.OVERCAST_SETTINGS_DIR ?? 'settings');
}

function generateSecrets(): Settings['secrets'] {
  return {
    sessionSecret: randomBytes(32).toString('base64url'),
    credentialsKey: randomBytes(32).toString('base64'),
  };
}

/**
 * The file written on first start: every default spelled out, so people can see and edit them,
 * with the values this process runs with (its environment) in place of the defaults, so that a
 * later `adduser` without those variables reaches the same database.
 */
function firstStartFile(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const file = {
    ...(Value.Default(SettingsSchema, {}) as Record<string, unknown>),
    secrets: generateSecrets(),
  };
  applyEnv(file, env);
  return file;
}

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const [leafPath, schema] of settingLeaves()) {
    const name = envName(leafPath);
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, leafPath, coerceEnv(value, schema, name));
  }
}

/**
 * `settings/.env`: the same variables as the environment (`DATABASE_URL=…`, one a line, `#`
 * comments), read by every process that reads settings.json (api, worker, adduser, passwd).
 * The real environment wins over it.
 */
export function readDotEnv(dir: string): Record<string, string> {
  const path = join(dir, '.env');
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const [i, line] of readFileSync(path, 'utf8').split(/\r?\n/).entries()) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(text);
    if (!match) throw new SettingsError(`${path}, line ${i + 1}: expected NAME=value.`);
    const value = match[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    out[match[1]!] = quoted ? quoted[2]! : value;
  }
  return out;
}

function coerceEnv(raw: string, schema: TSchema, name: string): unknown {
  if (schema.type === 'integer' || schema.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new SettingsError(`${name} must be a number (got "${raw}")`);
    return n;
  }
  if (schema.type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new SettingsError(`${name} must be true or false (got "${raw}")`);
  }
  if (schema.type === 'array') {
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function describeError(file: string, error: { path: string; message: string; value: unknown }): string {
  const key = error.path.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
  const got = error.value === undefined ? 'it is missing' : `got ${JSON.stringify(error.value)}`;
  return `${file}: "${key}" ${error.message.toLowerCase()} (${got}). See settings/README.md.`;
}

function parseFile(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SettingsError(`${path} must hold a JSON object.`);
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SettingsError) throw err;
    throw new SettingsError(
      `${path} is not valid JSON: ${(err as Error).message}. Fix the file or move it away to start fresh.`,
    );
  }
}

/**
 * Loads settings.json, applies environment overrides and validates the result.
 * On the api's first start the file is created with generated secrets; the README beside
 * it is (re)written from the schema so the two never disagree.
 */
export function loadSettings(options: LoadSettingsOptions = {}): LoadedSettings {
  const dir = options.dir ?? settingsDir(options.env ?? process.env);
  const env = { ...readDotEnv(dir), ...(options.env ?? process.env) };
  const path = join(dir, 'settings.json');
  let created = false;
  if (!existsSync(path)) {
    if (!options.create) {
      throw new SettingsError(
        `${path} does not exist yet. Start the api once: it creates the file with fresh secrets.`,
      );
    }
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, `${JSON.stringify(firstStartFile(env), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (err) {
      // Another process (a second api replica) may have created it first; then just read it.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SettingsError(
          `Cannot create ${path}: ${(err as Error).message}. Check that ${dir} is writable.`,
        );
      }
    }
  }
  if (options.create) {
    try {
      writeFileSync(join(dir, 'README.md'), renderSettingsReadme());
    } catch {
      // A read-only settings mount still works; the README is documentation only.
    }
  }

  const raw = parseFile(path);
  applyEnv(raw, env);
  const withDefaults = Value.Default(SettingsSchema, Value.Clone(raw));
  const firstError = Value.Errors(SettingsSchema, withDefaults).First();
  if (firstError) throw new SettingsError(describeError(path, firstError));
  for (const range of (withDefaults as Settings).outbound.allowPrivateNetworks) {
    if (!parseCidr(range))
      throw new SettingsError(
        `${path}: outbound.allowPrivateNetworks: "${range}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8.`,
      );
  }
  return { settings: withDefaults as Settings, path, created };
}

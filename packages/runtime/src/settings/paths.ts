import type { TSchema } from '@sinclair/typebox';
import { SettingsSchema } from './schema';

const camelToSnake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** Every leaf setting as [path, schema], e.g. [['poll','machinesSeconds'], TInteger]. */
export function settingLeaves(schema: TSchema = SettingsSchema, path: string[] = []): [string[], TSchema][] {
  if (schema.type === 'object' && schema.properties) {
    return Object.entries(schema.properties as Record<string, TSchema>).flatMap(([key, sub]) =>
      settingLeaves(sub, [...path, key]),
    );
  }
  return [[path, schema]];
}

/** OVERCAST_POLL_MACHINES_SECONDS for poll.machinesSeconds; DATABASE_URL and REDIS_URL keep their usual names. */
export function envName(path: string[]): string {
  const joined = path.join('.');
  if (joined === 'databaseUrl') return 'DATABASE_URL';
  if (joined === 'redisUrl') return 'REDIS_URL';
  return `OVERCAST_${path.map(camelToSnake).join('_')}`;
}

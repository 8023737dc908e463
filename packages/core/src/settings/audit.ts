import { createHash } from 'node:crypto';
import type { Database } from '@overcast/db';
import type { Settings } from '@overcast/runtime';
import { recordAudit } from '../audit';

const STATE_KEY = 'settings';

/**
 * Each setting's dotted path with a hash of its value: enough to tell which settings changed
 * between two starts without keeping any value, secrets above all.
 */
export function settingsFingerprint(settings: Settings): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (value: unknown, path: string) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    out[path] = createHash('sha256')
      .update(JSON.stringify(value ?? null))
      .digest('base64url');
  };
  walk(settings, '');
  return out;
}

/**
 * Compares the settings the api starts with against those of its last start; when they differ,
 * every organization's trail gets a `settings.change` event naming the settings that changed
 * (never their values). The first start only records the baseline. Several api processes
 * starting together record one event: the first to swap the stored fingerprint wins.
 */
export async function auditSettingsChange(db: Database, settings: Settings): Promise<string[]> {
  const now = settingsFingerprint(settings);
  const first = await db.pool.query(
    `INSERT INTO installation_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key`,
    [STATE_KEY, now],
  );
  if (first.rowCount) return [];
  const { rows } = await db.pool.query<{ value: Record<string, string> }>(
    'SELECT value FROM installation_state WHERE key = $1',
    [STATE_KEY],
  );
  const before = rows[0]?.value ?? {};
  const changed = [...new Set([...Object.keys(before), ...Object.keys(now)])]
    .filter((k) => before[k] !== now[k])
    .sort();
  if (changed.length === 0) return [];
  const swapped = await db.pool.query(
    `UPDATE installation_state SET value = $2, updated_at = now() WHERE key = $1 AND value = $3::jsonb RETURNING key`,
    [STATE_KEY, now, before],
  );
  if (!swapped.rowCount) return [];
  const orgs = await db.prisma.organization.findMany({ select: { id: true } });
  for (const org of orgs) {
    await recordAudit(
      db,
      { organizationId: org.id, label: 'settings files' },
      { action: 'settings.change', resourceKind: 'settings', details: { changed } },
    );
  }
  return changed;
}

import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { ShellSession as ShellSessionView } from '@overcast/contracts';
import type { Database, ShellSession } from '@overcast/db';
import type { Runtime, Settings } from '@overcast/runtime';
import { settingsDir } from '@overcast/runtime';
import type { AuthContext } from '../auth';
import { roleAtLeast } from '../auth';
import { DomainError, notFound } from '../errors';
import { repos } from '../repositories';

/** Where recordings live: shell.recordingsDir, or "recordings" beside settings.json. */
export function recordingsDir(
  settings: Pick<Settings, 'shell'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return settings.shell.recordingsDir
    ? resolve(settings.shell.recordingsDir)
    : join(settingsDir(env), 'recordings');
}

export function recordingPath(settings: Pick<Settings, 'shell'>, organizationId: string, sessionId: string) {
  return join(recordingsDir(settings), organizationId, `${sessionId}.cast`);
}

export function shellSessionView(s: ShellSession, userName: string | null): ShellSessionView {
  return {
    id: s.id,
    machineId: s.machineId,
    userId: s.userId,
    userName,
    startedAt: s.startedAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
    endReason: s.endReason,
    durationSeconds: s.endedAt ? (s.endedAt.getTime() - s.startedAt.getTime()) / 1000 : null,
    bytesOut: Number(s.bytesOut),
    hasRecording: s.recordingPath !== null,
  };
}

/** A machine's terminal sessions, newest first. */
export async function listShellSessions(
  db: Database,
  organizationId: string,
  machineId: string,
  limit = 100,
): Promise<ShellSessionView[]> {
  await repos(db).machines.getInOrg(organizationId, machineId);
  const rows = await db.prisma.shellSession.findMany({
    where: { organizationId, machineId },
    orderBy: { startedAt: 'desc' },
    take: limit,
  });
  const userIds = [...new Set(rows.flatMap((r) => (r.userId ? [r.userId] : [])))];
  const users = await db.prisma.user.findMany({
    where: { id: { in: userIds } },
    select: { id: true, name: true, email: true },
  });
  const names = new Map(users.map((u) => [u.id, u.name || u.email]));
  return rows.map((r) => shellSessionView(r, (r.userId && names.get(r.userId)) || null));
}

/** A session's recording, for an admin or the person whose session it was. */
export async function openRecording(
  db: Database,
  auth: Pick<AuthContext, 'organizationId' | 'userId' | 'role'>,
  sessionId: string,
): Promise<{ session: ShellSession; stream: Readable; size: number }> {
  const session = await db.prisma.shellSession.findFirst({
    where: { id: sessionId, organizationId: auth.organizationId },
  });
  if (!session) throw notFound('Shell session');
  if (session.userId !== auth.userId && !roleAtLeast(auth.role, 'admin')) {
    throw new DomainError(
      'forbidden',
      'forbidden',
      'Only an admin or the person who opened the session can watch its recording.',
    );
  }
  const gone = () =>
    new DomainError(
      'not_found',
      'recording_not_found',
      'This session has no recording any more (recordings are deleted after shell.recordingRetentionDays).',
    );
  if (!session.recordingPath) throw gone();
  try {
    const info = await stat(session.recordingPath);
    return { session, stream: createReadStream(session.recordingPath), size: info.size };
  } catch {
    throw gone();
  }
}

/**
 * Deletes recordings older than shell.recordingRetentionDays (the session rows stay, without a
 * recording), and stray files in the directory older than that. For the worker's maintenance queue.
 */
export async function cleanupRecordings(
  runtime: Pick<Runtime, 'db' | 'settings'>,
  now = new Date(),
): Promise<{ deleted: number }> {
  const { db, settings } = runtime;
  const cutoff = new Date(now.getTime() - settings.shell.recordingRetentionDays * 86_400_000);
  let deleted = 0;
  for (;;) {
    const old = await db.prisma.shellSession.findMany({
      where: { startedAt: { lt: cutoff }, recordingPath: { not: null }, OR: [{ endedAt: { not: null } }] },
      select: { id: true, recordingPath: true },
      take: 500,
    });
    if (old.length === 0) break;
    for (const s of old) {
      await rm(s.recordingPath as string, { force: true });
      deleted++;
    }
    await db.prisma.shellSession.updateMany({
      where: { id: { in: old.map((s) => s.id) } },
      data: { recordingPath: null },
    });
  }
  // Files no row points at any more (a crash between writing and recording the row).
  const root = recordingsDir(settings);
  const orgs = await readdir(root).catch(() => [] as string[]);
  for (const org of orgs) {
    const files = await readdir(join(root, org)).catch(() => [] as string[]);
    for (const file of files) {
      const path = join(root, org, file);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile() || info.mtime >= cutoff) continue;
      const id = file.replace(/\.cast$/, '');
      const row = /^[0-9a-f-]{36}$/.test(id)
        ? await db.prisma.shellSession.findFirst({ where: { id, recordingPath: path }, select: { id: true } })
        : null;
      if (row) continue;
      await rm(path, { force: true });
      deleted++;
    }
  }
  return { deleted };
}

import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';

export type PrismaClientInstance = InstanceType<typeof PrismaClient>;

export interface Database {
  prisma: PrismaClientInstance;
  /** The same pool Prisma uses, for the few queries that need raw SQL (bulk upserts, COPY). */
  pool: pg.Pool;
  close(): Promise<void>;
}

/** Connections a process's pool opens at most, unless it says otherwise. */
export const DEFAULT_POOL_SIZE = 10;

export interface DatabaseOptions {
  url: string;
  /** Pool size; small by default to keep the whole stack under 1 GB. */
  max?: number;
  applicationName?: string;
}

export function createDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? DEFAULT_POOL_SIZE,
    application_name: options.applicationName ?? 'overcast',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

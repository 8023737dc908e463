import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/index';

// `prisma migrate diff` needs a schema engine we cannot run here, so this test does its
// job: the database built by the committed migrations must be what schema.prisma says.

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  algorithm?: string;
  fields: { name: string }[];
}

const schema = readFileSync(resolve(import.meta.dirname, '../../../prisma/schema.prisma'), 'utf8');
const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] })))
  .datamodel as {
  models: DmmfModel[];
  enums: { name: string; dbName?: string | null; values: { name: string }[] }[];
  indexes: DmmfIndex[];
};
const db = createDatabase({ url: process.env.DATABASE_URL!, max: 2 });
afterAll(() => db.close());

const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
const columnOf = (f: DmmfField) => f.dbName ?? f.name;

/** The Postgres type (information_schema udt_name) a Prisma field maps to. */
function expectedUdt(f: DmmfField): string {
  const base = (() => {
    if (f.kind === 'enum') return f.type;
    const native = f.nativeType?.[0];
    if (native)
      return { Uuid: 'uuid', Timestamptz: 'timestamptz', Decimal: 'numeric', Date: 'date' }[native] ?? native;
    return (
      {
        String: 'text',
        Int: 'int4',
        BigInt: 'int8',
        Boolean: 'bool',
        DateTime: 'timestamp',
        Json: 'jsonb',
        Bytes: 'bytea',
        Float: 'float8',
        Decimal: 'numeric',
      } as Record<string, string>
    )[f.type]!;
  })();
  return f.isList ? `_${base}` : base;
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(sql, params)).rows as T[];
}

describe('migrated database matches prisma/schema.prisma', () => {
  it('has exactly the tables of the schema', async () => {
    const tables = await query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'",
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual(dmmf.models.map(tableOf).sort());
  });

  it('has the enums of the schema with the same values', async () => {
    const rows = await query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(
      dmmf.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.name)]),
    );
    expect(actual).toEqual(expected);
  });

  it('every table has exactly the columns, types, nullability and defaults of its model', async () => {
    for (const model of dmmf.models) {
      const cols = await query<{
        column_name: string;
        udt_name: string;
        is_nullable: string;
        column_default: string | null;
      }>(
        `SELECT column_name, udt_name, is_nullable, column_default FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1`,
        [tableOf(model)],
      );
      const actual = Object.fromEntries(cols.map((c) => [c.column_name, c]));
      const scalars = model.fields.filter((f) => f.kind !== 'object');
      expect(Object.keys(actual).sort(), tableOf(model)).toEqual(scalars.map(columnOf).sort());
      for (const f of scalars) {
        const col = actual[columnOf(f)]!;
        const where = `${tableOf(model)}.${columnOf(f)}`;
        expect(col.udt_name, where).toBe(expectedUdt(f));
        expect(col.is_nullable, where).toBe(f.isRequired || f.isList ? 'NO' : 'YES');
        // Client-side defaults (@updatedAt alone) have no column default; every other default does.
        expect(col.column_default !== null, `${where} default`).toBe(f.hasDefaultValue);
      }
    }
  });

  it('has every index and unique constraint of the schema, with the same columns and method', async () => {
    const rows = await query<{
      table: string;
      unique: boolean;
      primary: boolean;
      method: string;
      columns: string[];
    }>(
      `SELECT t.relname AS table, ix.indisunique AS unique, ix.indisprimary AS primary, am.amname AS method,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_am am ON am.oid = i.relam JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
       GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary, am.amname`,
    );
    const key = (table: string, kind: string, method: string, columns: string[]) =>
      `${table}|${kind}|${method}|${columns.join(',')}`;
    const actual = rows
      .map((r) => key(r.table, r.primary ? 'id' : r.unique ? 'unique' : 'normal', r.method, r.columns))
      .sort();
    const expected = dmmf.indexes
      .map((ix) => {
        const model = dmmf.models.find((m) => m.name === ix.model)!;
        const cols = ix.fields.map((f) => columnOf(model.fields.find((mf) => mf.name === f.name)!));
        return key(tableOf(model), ix.type, (ix.algorithm ?? 'btree').toLowerCase(), cols);
      })
      .sort();
    expect(actual).toEqual(expected);
  });

  it('has every foreign key of the schema with its delete rule', async () => {
    const rows = await query<{ table: string; columns: string[]; target: string; on_delete: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS target,
              array_agg(a.attname::text ORDER BY k.ord) AS columns,
              CASE c.confdeltype WHEN 'c' THEN 'Cascade' WHEN 'n' THEN 'SetNull' WHEN 'r' THEN 'Restrict' WHEN 'a' THEN 'NoAction' ELSE c.confdeltype::text END AS on_delete
       FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
       WHERE c.contype = 'f' GROUP BY c.oid, c.conrelid, c.confrelid, c.confdeltype`,
    );
    const actual = rows
      .map((r) => `${r.table}(${r.columns.join(',')}) -> ${r.target.replaceAll('"', '')} ${r.on_delete}`)
      .sort();
    const expected = dmmf.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === 'object' && f.relationFromFields?.length)
          .map((f) => {
            const target = dmmf.models.find((t) => t.name === f.type)!;
            const cols = f.relationFromFields!.map((n) => columnOf(m.fields.find((x) => x.name === n)!));
            const onDelete = f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull');
            return `${tableOf(m)}(${cols.join(',')}) -> ${tableOf(target)} ${onDelete}`;
          }),
      )
      .sort();
    expect(actual).toEqual(expected);
  });
});

import { Prisma } from '../generated/prisma/client.ts';

/**
 * Makes the error a missing row becomes. The domain layer passes its own (a 404 for the api), so
 * this package needs no error vocabulary of its own.
 */
export type Missing = (noun: string) => Error;

/** Any model delegate of an organization-owned table, as far as lookups by id go. */
interface OrgOwnedDelegate<Row> {
  findFirst(args: { where: { id: string; organizationId: string } }): PromiseLike<Row | null>;
}

/**
 * Lookups by id that carry the organization filter, so another organization's id is "not found"
 * (never "forbidden": that would say it exists).
 */
export function orgScoped<Row>(delegate: OrgOwnedDelegate<Row>, noun: string, missing: Missing) {
  const findInOrg = async (organizationId: string, id: string): Promise<Row | null> =>
    delegate.findFirst({ where: { id, organizationId } });
  return {
    findInOrg,
    async getInOrg(organizationId: string, id: string): Promise<Row> {
      const row = await findInOrg(organizationId, id);
      if (row === null) throw missing(noun);
      return row;
    },
  };
}

/** A write refused by a unique index (Prisma's P2002). */
export const isUniqueViolation = (err: unknown): boolean =>
  err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

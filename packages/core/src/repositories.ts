import { createRepositories, type Database, type Repositories } from '@overcast/db';
import { notFound } from './errors';

const made = new WeakMap<Database, Repositories>();

/**
 * The organization-scoped repositories over `db` (one set per database): a row of another
 * organization, or none, is a 404 `DomainError` naming what was looked for.
 */
export function repos(db: Database): Repositories {
  let found = made.get(db);
  if (!found) {
    found = createRepositories(db.prisma, notFound);
    made.set(db, found);
  }
  return found;
}

import type { Database, Role } from '@overcast/db';
import { hashPassword, passwordProblem } from '../passwords';

export class UserExistsError extends Error {
  override readonly name = 'UserExistsError';
}

export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return slug || 'org';
}

export interface CreateUserInput {
  email: string;
  password: string;
  name?: string;
  /** Owner of the organization when true; a member otherwise. */
  admin?: boolean;
  /** Joins this organization; when absent, the first organization, created if there is none. */
  organizationId?: string;
  organizationName?: string;
  /** The shortest password accepted (settings: passwords.minLength). */
  minPasswordLength?: number;
}

export interface CreatedUser {
  userId: string;
  email: string;
  organizationId: string;
  organizationName: string;
  role: Role;
  organizationCreated: boolean;
}

/** Creates a user and their membership; creates the organization when none exists yet. */
export async function createUser(db: Database, input: CreateUserInput): Promise<CreatedUser> {
  const email = normalizeEmail(input.email);
  if (!EMAIL_RE.test(email) || email.length > 254)
    throw new InvalidInputError(`"${input.email}" is not an email address.`);
  const problem = passwordProblem(input.password, input.minPasswordLength);
  if (problem) throw new InvalidInputError(problem);
  const passwordHash = await hashPassword(input.password);
  const role: Role = input.admin ? 'owner' : 'member';

  return db.prisma.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) {
      throw new UserExistsError(`A user with the email ${email} already exists.`);
    }
    let org = input.organizationId
      ? await tx.organization.findUnique({ where: { id: input.organizationId } })
      : await tx.organization.findFirst({ orderBy: { createdAt: 'asc' } });
    let organizationCreated = false;
    if (!org) {
      const name = input.organizationName ?? 'My organization';
      org = await tx.organization.create({
        data: { name, slug: `${slugify(name)}-${Date.now().toString(36)}` },
      });
      organizationCreated = true;
    }
    const user = await tx.user.create({ data: { email, passwordHash, name: input.name ?? '' } });
    await tx.membership.create({ data: { organizationId: org.id, userId: user.id, role } });
    await tx.auditEvent.create({
      data: {
        organizationId: org.id,
        actorLabel: 'adduser',
        action: 'user.create',
        resourceKind: 'user',
        resourceId: user.id,
        details: { email, role, organizationCreated },
      },
    });
    return {
      userId: user.id,
      email,
      organizationId: org.id,
      organizationName: org.name,
      role,
      organizationCreated,
    };
  });
}

import type { InvitationLookup, InvitationView } from '@overcast/contracts';
import type { Database, Invitation, Role } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { type Actor, type OrgActor, recordAudit } from '../audit';
import type { AttemptLimiter } from '../auth/attempts';
import { checkPassword } from '../auth/password';
import { normalizeEmail } from '../auth/users';
import { DomainError, notFound } from '../errors';
import { hashPassword, passwordProblem } from '../passwords';
import { hashToken, randomToken } from '../tokens';

const INVITATION_DAYS = 7;
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

export const invitationView = (i: Invitation): InvitationView => ({
  id: i.id,
  email: i.email,
  role: i.role,
  expiresAt: i.expiresAt.toISOString(),
  acceptedAt: i.acceptedAt?.toISOString() ?? null,
  createdAt: i.createdAt.toISOString(),
});

/** Pending and accepted invitations, newest first. */
export async function listInvitations(db: Database, organizationId: string): Promise<InvitationView[]> {
  const rows = await db.prisma.invitation.findMany({
    where: { organizationId },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map(invitationView);
}

/**
 * Invites an email address with a role. The token is returned once, for the link; only its hash is
 * kept. A new invitation to the same address replaces a pending one.
 */
export async function createInvitation(
  db: Database,
  actor: OrgActor & { role: Role },
  input: { email: string; role: Role },
): Promise<{ invitation: Invitation; token: string }> {
  const email = normalizeEmail(input.email);
  if (!EMAIL_RE.test(email) || email.length > 254) {
    throw new DomainError('invalid', 'invalid_email', `"${input.email}" is not an email address.`);
  }
  if (input.role === 'owner' && actor.role !== 'owner') {
    throw new DomainError('forbidden', 'forbidden', 'Only owners can invite owners.');
  }
  const member = await db.prisma.membership.findFirst({
    where: { organizationId: actor.organizationId, user: { email } },
  });
  if (member) throw new DomainError('conflict', 'already_member', `${email} is already a member.`);
  const token = randomToken();
  const invitation = await db.prisma.$transaction(async (tx) => {
    await tx.invitation.deleteMany({
      where: { organizationId: actor.organizationId, email, acceptedAt: null },
    });
    return tx.invitation.create({
      data: {
        organizationId: actor.organizationId,
        email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedById: actor.userId ?? null,
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
      },
    });
  });
  await recordAudit(db, actor, {
    action: 'invitation.create',
    resourceKind: 'invitation',
    resourceId: invitation.id,
    details: { email, role: input.role },
  });
  return { invitation, token };
}

/**
 * Emails the invite link through the runtime's mailer when email is configured. Says whether it
 * went; a refusal is logged, and the link is still shown to the inviter to pass on by hand.
 */
export async function emailInvitation(
  runtime: Pick<Runtime, 'mailer' | 'logger'>,
  invite: { to: string; role: Role; url: string; inviterEmail: string; organizationName: string },
): Promise<boolean> {
  if (!runtime.mailer.enabled) return false;
  try {
    await runtime.mailer.send({
      to: invite.to,
      subject: `You are invited to ${invite.organizationName} on Overcast`,
      text: `${invite.inviterEmail} invited you to join ${invite.organizationName} on Overcast as ${invite.role}.\n\nAccept within ${INVITATION_DAYS} days: ${invite.url}\n`,
    });
    return true;
  } catch (err) {
    runtime.logger.warn({ err: (err as Error).message }, 'invitation email failed');
    return false;
  }
}

export async function revokeInvitation(db: Database, actor: OrgActor, id: string): Promise<void> {
  const { count } = await db.prisma.invitation.deleteMany({
    where: { id, organizationId: actor.organizationId, acceptedAt: null },
  });
  if (count === 0) throw notFound('Invitation');
  await recordAudit(db, actor, { action: 'invitation.revoke', resourceKind: 'invitation', resourceId: id });
}

async function openInvitation(db: Database, token: string) {
  const invitation = await db.prisma.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { organization: true },
  });
  if (!invitation || invitation.acceptedAt || invitation.expiresAt.getTime() <= Date.now()) {
    throw new DomainError(
      'not_found',
      'invitation_not_found',
      'This invitation link is unknown, used or expired; ask for a new one.',
    );
  }
  return invitation;
}

/**
 * What the invite page shows before accepting. Not whether the email has an account: a link may be
 * forwarded, and who has an account here is nobody else's business.
 */
export async function lookupInvitation(db: Database, token: string): Promise<InvitationLookup> {
  const inv = await openInvitation(db, token);
  return { organizationName: inv.organization.name, email: inv.email, role: inv.role };
}

/**
 * Accepts an invitation: an existing account proves itself with its password; otherwise the account
 * is created with the password given. Returns who joined where, for the new session.
 */
export async function acceptInvitation(
  db: Database,
  attempts: AttemptLimiter,
  actor: Omit<Actor, 'organizationId' | 'label'>,
  input: { token: string; password: string; name?: string; minPasswordLength: number },
): Promise<{ userId: string; email: string; organizationId: string }> {
  const inv = await openInvitation(db, input.token);
  const existing = await db.prisma.user.findUnique({ where: { email: inv.email } });
  if (existing) {
    if (!(await checkPassword(attempts, existing, input.password))) {
      throw new DomainError(
        'forbidden',
        'invalid_credentials',
        `Wrong password for ${inv.email}; use the password of your existing account.`,
      );
    }
  } else {
    const problem = passwordProblem(input.password, input.minPasswordLength);
    if (problem) throw new DomainError('invalid', 'weak_password', problem);
  }
  const passwordHash = existing ? null : await hashPassword(input.password);
  const userId = await db.prisma.$transaction(async (tx) => {
    // Claim the invitation first, so a link used twice at once admits once.
    const claimed = await tx.invitation.updateMany({
      where: { id: inv.id, acceptedAt: null },
      data: { acceptedAt: new Date() },
    });
    if (claimed.count === 0) {
      throw new DomainError('conflict', 'invitation_used', 'This invitation has just been used.');
    }
    const user =
      existing ??
      (await tx.user.create({
        data: { email: inv.email, passwordHash: passwordHash!, name: input.name?.trim() ?? '' },
      }));
    await tx.membership.upsert({
      where: { organizationId_userId: { organizationId: inv.organizationId, userId: user.id } },
      create: { organizationId: inv.organizationId, userId: user.id, role: inv.role },
      update: {},
    });
    return user.id;
  });
  await recordAudit(
    db,
    { ...actor, organizationId: inv.organizationId, userId, label: inv.email },
    {
      action: 'invitation.accept',
      resourceKind: 'invitation',
      resourceId: inv.id,
      details: { role: inv.role },
    },
  );
  return { userId, email: inv.email, organizationId: inv.organizationId };
}

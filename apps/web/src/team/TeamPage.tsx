import type { Role } from '@overcast/contracts';
import { AUTHZ_ACTIONS, RESOURCE_KINDS } from '@overcast/contracts/authz';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { cloudsQuery } from '../api/clouds';
import { errorText } from '../api/errors';
import {
  createTeam,
  deleteTeam,
  type InvitationView,
  invitationsQuery,
  invite,
  type Member,
  membersQuery,
  removeMember,
  setMemberRole,
  setTeamMembers,
  setTeamPolicies,
  type Team,
  type TeamPolicyInput,
  teamsQuery,
  withdrawInvitation,
} from '../api/organization';
import { usePermissions } from '../auth/permissions';
import { useSession } from '../auth/SessionContext';
import { roleLabel } from '../shell/roleLabel';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { CopyButton } from '../ui/CopyButton';
import { SelectField } from '../ui/Field';
import forms from '../ui/forms.module.css';
import { InlineForm } from '../ui/InlineForm';
import { PlusIcon, TrashIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { LimitsCard } from './LimitsCard';
import styles from './team.module.css';

const ROLES: Role[] = ['owner', 'admin', 'member', 'viewer'];

export function TeamPage() {
  const { organization } = useSession();
  const { manageOrganization } = usePermissions();
  return (
    <Page
      title="Team"
      description={`People in ${organization.name}, their roles, and the teams whose policies limit what they can do.`}
    >
      <div className={layout.stackWide}>
        {manageOrganization && <InviteCard />}
        <MembersCard />
        <TeamsCard />
        <LimitsCard />
      </div>
    </Page>
  );
}

/** Who is in the organization, who is invited and the teams: a change to one shows in the others. */
const PEOPLE = [membersQuery.queryKey, invitationsQuery.queryKey, teamsQuery.queryKey];

function InviteCard() {
  const { role } = useSession();
  const [email, setEmail] = useState('');
  const [inviteRole, setInviteRole] = useState<Role>('member');
  const invitations = useQuery(invitationsQuery);
  const [link, setLink] = useState<{ url: string; emailed: boolean; email: string } | null>(null);
  const send = useResourceMutation({
    mutationFn: () => invite(email.trim(), inviteRole),
    invalidates: PEOPLE,
    onSuccess: (created) => {
      setLink({ url: created.url, emailed: created.emailed, email: created.invitation.email });
      setEmail('');
    },
  });
  const withdraw = useResourceMutation({
    mutationFn: (i: InvitationView) => withdrawInvitation(i.id),
    invalidates: PEOPLE,
    failure: 'The invitation was not withdrawn',
  });
  const pending = (invitations.data ?? []).filter((i) => !i.acceptedAt);
  return (
    <Card title="Invite someone">
      <InlineForm
        error={send.error}
        onSubmit={() => {
          if (email.trim()) send.mutate();
        }}
      >
        <TextField
          className={forms.grow}
          label="Email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
        <SelectField label="Role" value={inviteRole} onChange={(e) => setInviteRole(e.target.value as Role)}>
          {ROLES.filter((r) => r !== 'owner' || role === 'owner').map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </SelectField>
        <Button type="submit" variant="primary" icon={<PlusIcon />} busy={send.isPending}>
          Invite
        </Button>
      </InlineForm>
      {link && (
        <div role="status">
          <p>
            {link.emailed
              ? `We emailed an invitation to ${link.email}. You can also send them this link; it works once, for 7 days.`
              : `Send ${link.email} this link; it works once, for 7 days. (Email is not set up on this server.)`}
          </p>
          <div className={styles.link}>
            <code className={layout.mono} data-testid="invite-link">
              {link.url}
            </code>
            <CopyButton text={link.url} label="Copy invite link" />
          </div>
        </div>
      )}
      {pending.length > 0 && (
        <ResourceTable
          bare
          label="Pending invitations"
          query={invitations}
          rows={pending}
          rowKey={(i) => i.id}
          empty={null}
          columns={[
            { key: 'email', header: 'Invited', cell: (i) => i.email },
            { key: 'role', header: 'Role', cell: (i) => roleLabel(i.role) },
            { key: 'expires', header: 'Expires', cell: (i) => <RelativeTime value={i.expiresAt} /> },
          ]}
          rowControls={(i) => (
            <Button size="xs" onClick={() => withdraw.mutate(i)}>
              Withdraw
            </Button>
          )}
        />
      )}
    </Card>
  );
}

function MembersCard() {
  const { user, role: myRole } = useSession();
  const { manageOrganization } = usePermissions();
  const members = useQuery(membersQuery);
  const change = useResourceMutation({
    mutationFn: ({ m, role }: { m: Member; role: Role }) => setMemberRole(m.userId, role),
    invalidates: PEOPLE,
    failure: 'The role was not changed',
  });
  const remove = useResourceMutation({
    mutationFn: (m: Member) => removeMember(m.userId),
    invalidates: PEOPLE,
    success: (_, m) => `${m.email} was removed`,
    failure: 'The member was not removed',
  });
  const editable = (m: Member) =>
    manageOrganization && m.userId !== user.id && (m.role !== 'owner' || myRole === 'owner');
  const muted = (text: string) => <span className={layout.muted}>{text}</span>;
  return (
    <Card title="Members" meta={members.data ? String(members.data.length) : undefined} flush>
      <ResourceTable
        bare
        query={members}
        rows={members.data ?? []}
        rowKey={(m) => m.userId}
        rowProps={(m) => ({ 'data-member': m.email })}
        empty={null}
        columns={[
          {
            key: 'person',
            header: 'Person',
            cell: (m) => (
              <>
                {m.name || m.email}
                {m.name && <div className={layout.muted}>{m.email}</div>}
              </>
            ),
          },
          {
            key: 'role',
            header: 'Role',
            cell: (m) =>
              editable(m) ? (
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  onChange={(e) => change.mutate({ m, role: e.target.value as Role })}
                >
                  {ROLES.filter((r) => r !== 'owner' || myRole === 'owner').map((r) => (
                    <option key={r} value={r}>
                      {roleLabel(r)}
                    </option>
                  ))}
                </select>
              ) : (
                roleLabel(m.role)
              ),
          },
          {
            key: 'teams',
            header: 'Teams',
            cell: (m) => m.teams.map((t) => t.name).join(', ') || muted('None'),
          },
          {
            key: 'totp',
            header: 'Two-factor',
            cell: (m) => (m.totpEnabled ? <Badge tone="success">On</Badge> : muted('Off')),
          },
          {
            key: 'login',
            header: 'Last login',
            cell: (m) => (m.lastLoginAt ? <RelativeTime value={m.lastLoginAt} /> : muted('Never')),
          },
        ]}
        rowControls={(m) =>
          editable(m) && (
            <Button
              size="xs"
              variant="danger"
              icon={<TrashIcon />}
              onClick={() => {
                if (
                  window.confirm(
                    `Remove ${m.email} from the organization? Their sessions and API tokens here stop working.`,
                  )
                )
                  remove.mutate(m);
              }}
            >
              Remove
            </Button>
          )
        }
      />
    </Card>
  );
}

function TeamsCard() {
  const { manageOrganization } = usePermissions();
  const teams = useQuery(teamsQuery);
  const [name, setName] = useState('');
  const create = useResourceMutation({
    mutationFn: () => createTeam(name.trim()),
    invalidates: PEOPLE,
    onSuccess: () => setName(''),
  });
  return (
    <Card title="Teams">
      <p className={layout.muted}>
        Members and viewers in a team with policies can do only what those policies allow; a deny wins over an
        allow. Owners and admins are not limited by teams.
      </p>
      {manageOrganization && (
        <InlineForm
          error={create.error}
          onSubmit={() => {
            if (name.trim()) create.mutate();
          }}
        >
          <TextField
            className={forms.grow}
            label="New team"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <Button type="submit" icon={<PlusIcon />} busy={create.isPending}>
            Create team
          </Button>
        </InlineForm>
      )}
      {teams.isError && <Alert>{errorText(teams.error)}</Alert>}
      {teams.data?.length === 0 && <p className={layout.muted}>No teams yet.</p>}
      <div className={layout.stackWide}>
        {teams.data?.map((t) => (
          <TeamEditor key={t.id} team={t} editable={manageOrganization} />
        ))}
      </div>
    </Card>
  );
}

function describePolicy(p: Team['policies'][number], cloudTitle: (id: string) => string) {
  const where = [
    p.cloudIds.length > 0 ? `in ${p.cloudIds.map(cloudTitle).join(', ')}` : '',
    Object.keys(p.tags).length > 0
      ? `tagged ${Object.entries(p.tags)
          .map(([k, v]) => (v ? `${k}=${v}` : k))
          .join(', ')}`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `${p.effect === 'allow' ? 'Allow' : 'Deny'} ${p.action === '*' ? 'everything' : p.action} on ${p.kind === '*' ? 'all resources' : p.kind}${where ? ` ${where}` : ''}`;
}

function TeamEditor({ team, editable }: { team: Team; editable: boolean }) {
  const members = useQuery(membersQuery);
  const clouds = useQuery(cloudsQuery);
  const cloudTitle = (id: string) => clouds.data?.find((c) => c.id === id)?.title ?? id.slice(0, 8);
  const [draft, setDraft] = useState({
    effect: 'allow',
    action: 'read',
    kind: 'machines',
    cloudId: '',
    tag: '',
  });
  const failure = `${team.name} was not changed`;
  const saveMembers = useResourceMutation({
    mutationFn: (userIds: string[]) => setTeamMembers(team.id, userIds),
    invalidates: PEOPLE,
    failure,
  });
  const savePolicies = useResourceMutation({
    mutationFn: (policies: TeamPolicyInput[]) => setTeamPolicies(team.id, policies),
    invalidates: PEOPLE,
    failure,
  });
  const remove = useResourceMutation({ mutationFn: () => deleteTeam(team.id), invalidates: PEOPLE, failure });
  const current: TeamPolicyInput[] = team.policies.map((p) => ({
    effect: p.effect,
    action: p.action as TeamPolicyInput['action'],
    kind: p.kind as TeamPolicyInput['kind'],
    cloudIds: p.cloudIds,
    tags: p.tags,
  }));
  const memberIds = team.members.map((m) => m.userId);

  function addPolicy(event: FormEvent) {
    event.preventDefault();
    const [key, ...rest] = draft.tag.split('=');
    const tags = key?.trim() ? { [key.trim()]: rest.join('=').trim() } : {};
    savePolicies.mutate([
      ...current,
      {
        effect: draft.effect as 'allow' | 'deny',
        action: draft.action as TeamPolicyInput['action'],
        kind: draft.kind as TeamPolicyInput['kind'],
        cloudIds: draft.cloudId ? [draft.cloudId] : [],
        tags,
      },
    ]);
  }

  return (
    <section aria-label={`Team ${team.name}`} data-team={team.name}>
      <div className={forms.row}>
        <h3 className={forms.grow}>{team.name}</h3>
        {editable && (
          <Button
            size="xs"
            variant="danger"
            icon={<TrashIcon />}
            onClick={() => {
              if (window.confirm(`Delete the team ${team.name}? Its members lose its policies.`))
                remove.mutate();
            }}
          >
            Delete team
          </Button>
        )}
      </div>
      <h4>Members</h4>
      {editable ? (
        <div className={styles.checks}>
          {members.data?.map((m) => (
            <label key={m.userId}>
              <input
                type="checkbox"
                checked={memberIds.includes(m.userId)}
                onChange={(e) =>
                  saveMembers.mutate(
                    e.target.checked ? [...memberIds, m.userId] : memberIds.filter((id) => id !== m.userId),
                  )
                }
              />
              {m.email}
            </label>
          ))}
        </div>
      ) : (
        <p>{team.members.map((m) => m.email).join(', ') || 'Nobody yet.'}</p>
      )}
      <h4>Policies</h4>
      {team.policies.length === 0 ? (
        <p className={layout.muted}>No policies: members keep their role’s defaults.</p>
      ) : (
        <ul>
          {team.policies.map((p, i) => (
            <li key={p.id} className={styles.policy}>
              <Badge tone={p.effect === 'allow' ? 'success' : 'danger'}>{p.effect}</Badge>
              {describePolicy(p, cloudTitle)}
              {editable && (
                <Button
                  size="xs"
                  onClick={() => savePolicies.mutate(current.filter((_, j) => j !== i))}
                  aria-label={`Remove policy: ${describePolicy(p, cloudTitle)}`}
                >
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <form className={forms.row} onSubmit={addPolicy} aria-label={`Add a policy to ${team.name}`}>
          <SelectField
            label="Effect"
            value={draft.effect}
            onChange={(e) => setDraft({ ...draft, effect: e.target.value })}
          >
            <option value="allow">Allow</option>
            <option value="deny">Deny</option>
          </SelectField>
          <SelectField
            label="Action"
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          >
            <option value="*">Everything</option>
            {AUTHZ_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="On"
            value={draft.kind}
            onChange={(e) => setDraft({ ...draft, kind: e.target.value })}
          >
            <option value="*">All resources</option>
            {RESOURCE_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="In cloud"
            value={draft.cloudId}
            onChange={(e) => setDraft({ ...draft, cloudId: e.target.value })}
          >
            <option value="">Any cloud</option>
            {clouds.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Tagged"
            placeholder="env=prod"
            value={draft.tag}
            onChange={(e) => setDraft({ ...draft, tag: e.target.value })}
          />
          <Button type="submit" icon={<PlusIcon />} busy={savePolicies.isPending}>
            Add policy
          </Button>
        </form>
      )}
    </section>
  );
}

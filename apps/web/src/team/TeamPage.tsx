import type { Role } from '@overcast/contracts';
import { AUTHZ_ACTIONS, RESOURCE_KINDS } from '@overcast/contracts/authz';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
import table from '../ui/DataTable.module.css';
import { SelectField } from '../ui/Field';
import { PlusIcon, TrashIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
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
      <div className={styles.stack}>
        {manageOrganization && <InviteCard />}
        <MembersCard />
        <TeamsCard />
      </div>
    </Page>
  );
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () => {
    for (const key of [membersQuery.queryKey, invitationsQuery.queryKey, teamsQuery.queryKey])
      void queryClient.invalidateQueries({ queryKey: key });
  };
}

function InviteCard() {
  const refresh = useRefresh();
  const { role } = useSession();
  const [email, setEmail] = useState('');
  const [inviteRole, setInviteRole] = useState<Role>('member');
  const invitations = useQuery(invitationsQuery);
  const [link, setLink] = useState<{ url: string; emailed: boolean; email: string } | null>(null);
  const send = useMutation({
    mutationFn: () => invite(email.trim(), inviteRole),
    onSuccess: (created) => {
      setLink({ url: created.url, emailed: created.emailed, email: created.invitation.email });
      setEmail('');
      refresh();
    },
  });
  const withdraw = useMutation({
    mutationFn: (i: InvitationView) => withdrawInvitation(i.id),
    onSuccess: () => refresh(),
    onError: (error) => toast.error('The invitation was not withdrawn', { description: errorText(error) }),
  });
  const pending = (invitations.data ?? []).filter((i) => !i.acceptedAt);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (email.trim()) send.mutate();
  }
  return (
    <Card title="Invite someone">
      <form className={styles.row} onSubmit={onSubmit}>
        <TextField
          className={styles.grow}
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
      </form>
      {send.isError && <Alert>{errorText(send.error)}</Alert>}
      {link && (
        <div role="status">
          <p>
            {link.emailed
              ? `We emailed an invitation to ${link.email}. You can also send them this link; it works once, for 7 days.`
              : `Send ${link.email} this link; it works once, for 7 days. (Email is not set up on this server.)`}
          </p>
          <div className={styles.link}>
            <code className={styles.mono} data-testid="invite-link">
              {link.url}
            </code>
            <CopyButton text={link.url} label="Copy invite link" />
          </div>
        </div>
      )}
      {pending.length > 0 && (
        <div className={table.scroll}>
          <table className={table.table}>
            <caption className="visually-hidden">Pending invitations</caption>
            <thead>
              <tr>
                <th scope="col">Invited</th>
                <th scope="col">Role</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{roleLabel(i.role)}</td>
                  <td>
                    <RelativeTime value={i.expiresAt} />
                  </td>
                  <td className={table.end}>
                    <Button size="xs" onClick={() => withdraw.mutate(i)}>
                      Withdraw
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function MembersCard() {
  const { user, role: myRole } = useSession();
  const { manageOrganization } = usePermissions();
  const refresh = useRefresh();
  const members = useQuery(membersQuery);
  const change = useMutation({
    mutationFn: ({ m, role }: { m: Member; role: Role }) => setMemberRole(m.userId, role),
    onSuccess: () => refresh(),
    onError: (error) => toast.error('The role was not changed', { description: errorText(error) }),
  });
  const remove = useMutation({
    mutationFn: (m: Member) => removeMember(m.userId),
    onSuccess: (_, m) => {
      toast.success(`${m.email} was removed`);
      refresh();
    },
    onError: (error) => toast.error('The member was not removed', { description: errorText(error) }),
  });
  return (
    <Card title="Members" meta={members.data ? String(members.data.length) : undefined} flush>
      {members.isError ? (
        <Alert>{errorText(members.error)}</Alert>
      ) : !members.data ? (
        <Skeleton width="60%" />
      ) : (
        <div className={table.scroll}>
          <table className={table.table}>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">Teams</th>
                <th scope="col">Two-factor</th>
                <th scope="col">Last login</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data.map((m) => {
                const editable =
                  manageOrganization && m.userId !== user.id && (m.role !== 'owner' || myRole === 'owner');
                return (
                  <tr key={m.userId} data-member={m.email}>
                    <td>
                      {m.name || m.email}
                      {m.name && <div className={styles.muted}>{m.email}</div>}
                    </td>
                    <td>
                      {editable ? (
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
                      )}
                    </td>
                    <td>
                      {m.teams.map((t) => t.name).join(', ') || <span className={styles.muted}>None</span>}
                    </td>
                    <td>
                      {m.totpEnabled ? (
                        <Badge tone="success">On</Badge>
                      ) : (
                        <span className={styles.muted}>Off</span>
                      )}
                    </td>
                    <td>
                      {m.lastLoginAt ? (
                        <RelativeTime value={m.lastLoginAt} />
                      ) : (
                        <span className={styles.muted}>Never</span>
                      )}
                    </td>
                    <td className={table.end}>
                      {editable && (
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
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function TeamsCard() {
  const { manageOrganization } = usePermissions();
  const refresh = useRefresh();
  const teams = useQuery(teamsQuery);
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => createTeam(name.trim()),
    onSuccess: () => {
      setName('');
      refresh();
    },
  });
  return (
    <Card title="Teams">
      <p className={styles.muted}>
        Members and viewers in a team with policies can do only what those policies allow; a deny wins over an
        allow. Owners and admins are not limited by teams.
      </p>
      {manageOrganization && (
        <form
          className={styles.row}
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) create.mutate();
          }}
        >
          <TextField
            className={styles.grow}
            label="New team"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <Button type="submit" icon={<PlusIcon />} busy={create.isPending}>
            Create team
          </Button>
        </form>
      )}
      {create.isError && <Alert>{errorText(create.error)}</Alert>}
      {teams.isError && <Alert>{errorText(teams.error)}</Alert>}
      {teams.data?.length === 0 && <p className={styles.muted}>No teams yet.</p>}
      <div className={styles.stack}>
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
  const refresh = useRefresh();
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
  const onError = (error: unknown) =>
    toast.error(`${team.name} was not changed`, { description: errorText(error) });
  const saveMembers = useMutation({
    mutationFn: (userIds: string[]) => setTeamMembers(team.id, userIds),
    onSuccess: () => refresh(),
    onError,
  });
  const savePolicies = useMutation({
    mutationFn: (policies: TeamPolicyInput[]) => setTeamPolicies(team.id, policies),
    onSuccess: () => refresh(),
    onError,
  });
  const remove = useMutation({ mutationFn: () => deleteTeam(team.id), onSuccess: () => refresh(), onError });
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
      <div className={styles.row}>
        <h3 className={styles.grow}>{team.name}</h3>
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
        <p className={styles.muted}>No policies: members keep their role’s defaults.</p>
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
        <form className={styles.row} onSubmit={addPolicy} aria-label={`Add a policy to ${team.name}`}>
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

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { type FormEvent, useEffect, useState } from 'react';
import { errorText } from '../api/errors';
import {
  changePassword,
  confirmTotp,
  createToken,
  disableTotp,
  logOutEverywhere,
  membersQuery,
  organizationsQuery,
  revokeSession,
  revokeToken,
  sessionsQuery,
  startTotp,
  teamsQuery,
  tokensQuery,
  updateProfile,
} from '../api/organization';
import { useSession } from '../auth/SessionContext';
import { startSession } from '../auth/session';
import { describeUserAgent } from '../format/userAgent';
import styles from '../team/team.module.css';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { CopyButton } from '../ui/CopyButton';
import { SelectField } from '../ui/Field';
import forms from '../ui/forms.module.css';
import { InlineForm } from '../ui/InlineForm';
import { PlusIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import { useResourceMutation } from '../ui/useResourceMutation';

export function AccountPage() {
  return (
    <Page
      title="Account & security"
      description="Your name and password, two-factor login, API tokens, and where you are logged in."
    >
      <div className={layout.stackWide}>
        <ProfileCard />
        <PasswordCard />
        <TwoFactorCard />
        <TokensCard />
        <SessionsCard />
      </div>
    </Page>
  );
}

function ProfileCard() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState(session.user.name);
  const save = useResourceMutation({
    mutationFn: () => updateProfile({ name: name.trim() }),
    // Lists that show people by name pick up the new one.
    invalidates: [membersQuery.queryKey, teamsQuery.queryKey],
    success: 'Name saved',
    onSuccess: (me) => {
      setName(me.user.name);
      void startSession(queryClient, me);
    },
  });
  return (
    <Card title="Profile" meta={session.user.email}>
      <InlineForm onSubmit={() => save.mutate()} error={save.error}>
        <TextField
          className={forms.grow}
          label="Your name"
          autoComplete="name"
          maxLength={200}
          hint="Shown to others in your organizations instead of your email."
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Button type="submit" busy={save.isPending} disabled={name.trim() === session.user.name}>
          Save name
        </Button>
      </InlineForm>
    </Card>
  );
}

function PasswordCard() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useResourceMutation({
    mutationFn: () => changePassword({ currentPassword, newPassword }),
    invalidates: [sessionsQuery.queryKey],
    success: 'Password changed',
    successDescription: ({ endedSessions }) =>
      endedSessions === 0
        ? 'You were logged in nowhere else.'
        : `Your ${endedSessions === 1 ? 'other session was' : `${endedSessions} other sessions were`} logged out.`,
    onSuccess: () => {
      setCurrent('');
      setNew('');
      setRepeat('');
    },
  });
  return (
    <Card title="Password">
      <p className={layout.muted}>Changing it logs you out everywhere else; this browser stays logged in.</p>
      <InlineForm
        error={change.error}
        onSubmit={() => {
          const differs = newPassword !== repeat;
          setMismatch(differs);
          if (!differs && currentPassword && newPassword) change.mutate();
        }}
      >
        <TextField
          className={forms.grow}
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <TextField
          className={forms.grow}
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          hint="A few unrelated words work well; common passwords and simple patterns are refused."
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
        />
        <TextField
          className={forms.grow}
          label="New password again"
          type="password"
          autoComplete="new-password"
          required
          error={mismatch ? 'The two new passwords differ; type the same one twice.' : undefined}
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
        <Button type="submit" variant="primary" busy={change.isPending}>
          Change password
        </Button>
      </InlineForm>
    </Card>
  );
}

function TwoFactorCard() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [qr, setQr] = useState('');
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');
  const refreshMe = () => queryClient.invalidateQueries();
  useEffect(() => {
    if (!enrolment) return;
    void QRCode.toDataURL(enrolment.otpauthUrl, { margin: 1, width: 200 }).then(setQr);
  }, [enrolment]);
  const start = useMutation({ mutationFn: startTotp, onSuccess: setEnrolment });
  const confirm = useMutation({
    mutationFn: () => confirmTotp(code.trim()),
    onSuccess: (r) => {
      setCodes(r.codes);
      setEnrolment(null);
      setCode('');
      void refreshMe();
    },
  });
  const disable = useMutation({
    mutationFn: () => disableTotp(password),
    onSuccess: () => {
      setPassword('');
      toast.success('Two-factor login is off');
      void refreshMe();
    },
  });
  const error = start.error ?? confirm.error ?? disable.error;
  return (
    <Card title="Two-factor login" meta={session.totpEnabled ? 'On' : 'Off'}>
      {error && <Alert>{errorText(error)}</Alert>}
      {codes ? (
        <div role="status">
          <p>
            Two-factor login is on. Keep these recovery codes somewhere safe: each logs you in once if you
            lose your device. They are not shown again.
          </p>
          <div className={styles.codes} data-testid="recovery-codes">
            {codes.map((c) => (
              <span key={c}>{c}</span>
            ))}
          </div>
          <div className={styles.link}>
            <CopyButton text={codes.join('\n')} label="Copy recovery codes" />
            <Button size="sm" onClick={() => setCodes(null)}>
              I have saved them
            </Button>
          </div>
        </div>
      ) : session.totpEnabled ? (
        <form
          className={forms.row}
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            disable.mutate();
          }}
        >
          <TextField
            className={forms.grow}
            label="Your password, to turn it off"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" variant="danger" busy={disable.isPending}>
            Turn off two-factor login
          </Button>
        </form>
      ) : enrolment ? (
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            confirm.mutate();
          }}
        >
          <p>Scan this code with an authenticator app, then enter the 6-digit code it shows.</p>
          {qr && <img src={qr} alt="QR code for your authenticator app" width={200} height={200} />}
          <p className={layout.muted}>
            Or type this key: <code className={layout.mono}>{enrolment.secret}</code>
          </p>
          <div className={forms.row}>
            <TextField
              label="Code"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <Button type="submit" variant="primary" busy={confirm.isPending}>
              Turn on
            </Button>
          </div>
        </form>
      ) : (
        <>
          <p>Ask for a code from an authenticator app at each login, as well as your password.</p>
          <Button variant="primary" onClick={() => start.mutate()} busy={start.isPending}>
            Set up two-factor login
          </Button>
        </>
      )}
    </Card>
  );
}

function TokensCard() {
  const tokens = useQuery(tokensQuery);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'full'>('read');
  const [days, setDays] = useState('90');
  const [everywhere, setEverywhere] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const organizations = useQuery(organizationsQuery);
  const orgName = (id: string | null) =>
    id === null ? 'All yours' : (organizations.data?.find((o) => o.id === id)?.name ?? 'A former one');
  const create = useResourceMutation({
    mutationFn: () =>
      createToken({
        name: name.trim(),
        scope,
        expiresInDays: days ? Number(days) : undefined,
        allOrganizations: everywhere || undefined,
      }),
    invalidates: [tokensQuery.queryKey],
    onSuccess: (r) => {
      setShown(r.token);
      setName('');
    },
  });
  const revoke = useResourceMutation({
    mutationFn: revokeToken,
    invalidates: [tokensQuery.queryKey],
    failure: 'The token was not revoked',
  });
  return (
    <Card title="API tokens">
      <InlineForm
        error={create.error}
        onSubmit={() => {
          if (name.trim()) create.mutate();
        }}
      >
        <TextField
          className={forms.grow}
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <SelectField
          label="Scope"
          value={scope}
          onChange={(e) => setScope(e.target.value as 'read' | 'full')}
        >
          <option value="read">Read only</option>
          <option value="full">Full</option>
        </SelectField>
        <SelectField label="Expires" value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="30">In 30 days</option>
          <option value="90">In 90 days</option>
          <option value="365">In a year</option>
          <option value="">Never</option>
        </SelectField>
        {(organizations.data?.length ?? 0) > 1 && (
          <label title="Requests then name their organization in the X-Overcast-Organization header">
            <input type="checkbox" checked={everywhere} onChange={(e) => setEverywhere(e.target.checked)} />{' '}
            All my organizations
          </label>
        )}
        <Button type="submit" icon={<PlusIcon />} busy={create.isPending}>
          Create token
        </Button>
      </InlineForm>
      {shown && (
        <div role="status" className={styles.link}>
          <span>Copy it now; it is not shown again:</span>
          <code className={layout.mono}>{shown}</code>
          <CopyButton text={shown} label="Copy token" />
        </div>
      )}
      <ResourceTable
        bare
        query={tokens}
        rows={tokens.data ?? []}
        rowKey={(t) => t.id}
        empty={null}
        columns={[
          {
            key: 'name',
            header: 'Name',
            cell: (t) => (
              <>
                {t.name} <code className={layout.mono}>{t.prefix}…</code>
              </>
            ),
          },
          { key: 'scope', header: 'Scope', cell: (t) => (t.scope === 'read' ? 'Read only' : 'Full') },
          { key: 'org', header: 'Organization', cell: (t) => orgName(t.organizationId) },
          {
            key: 'expires',
            header: 'Expires',
            cell: (t) => <RelativeTime value={t.expiresAt} empty="Never" />,
          },
          {
            key: 'used',
            header: 'Last used',
            cell: (t) =>
              t.lastUsedAt ? (
                <>
                  <RelativeTime value={t.lastUsedAt} />{' '}
                  <span className={layout.muted}>from {t.lastUsedIp}</span>
                </>
              ) : (
                <span className={layout.muted}>Never</span>
              ),
          },
        ]}
        rowControls={(t) =>
          t.revokedAt ? (
            <Badge tone="muted">Revoked</Badge>
          ) : (
            <Button size="xs" variant="danger" onClick={() => revoke.mutate(t.id)}>
              Revoke
            </Button>
          )
        }
      />
    </Card>
  );
}

function SessionsCard() {
  const sessions = useQuery(sessionsQuery);
  const revoke = useResourceMutation({ mutationFn: revokeSession, invalidates: [sessionsQuery.queryKey] });
  const everywhere = useResourceMutation({
    mutationFn: logOutEverywhere,
    invalidates: [],
    // This session ends too: the app goes back to the login page.
    onSuccess: () => window.location.assign('/login'),
  });
  return (
    <Card
      title="Where you are logged in"
      actions={
        <Button variant="danger" size="sm" onClick={() => everywhere.mutate()} busy={everywhere.isPending}>
          Log out everywhere
        </Button>
      }
    >
      {(revoke.error ?? everywhere.error) && <Alert>{errorText(revoke.error ?? everywhere.error)}</Alert>}
      <ResourceTable
        bare
        query={sessions}
        rows={sessions.data ?? []}
        rowKey={(s) => s.id}
        empty={null}
        columns={[
          {
            key: 'browser',
            header: 'Browser',
            cell: (s) => (
              <>
                <span title={s.userAgent || undefined}>{describeUserAgent(s.userAgent)}</span>{' '}
                {s.current && <Badge tone="info">This browser</Badge>}
              </>
            ),
          },
          { key: 'address', header: 'Address', cell: (s) => s.ip },
          { key: 'seen', header: 'Last seen', cell: (s) => <RelativeTime value={s.lastSeenAt} /> },
        ]}
        rowControls={(s) =>
          !s.current && (
            <Button size="xs" onClick={() => revoke.mutate(s.id)}>
              Log out
            </Button>
          )
        }
      />
    </Card>
  );
}

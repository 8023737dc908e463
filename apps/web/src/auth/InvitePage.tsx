import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { errorText } from '../api/errors';
import { acceptInvitation, lookupInvitation } from '../api/organization';
import { roleLabel } from '../shell/roleLabel';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Logo } from '../ui/Logo';
import { Spinner } from '../ui/Spinner';
import { TextField } from '../ui/TextField';
import styles from './LoginPage.module.css';
import { startSession } from './session';

/**
 * Where an invite link lands: join with the existing account's password, or make an account. One form
 * for both, since the page must not tell whether the email has an account.
 */
export function InvitePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const queryClient = useQueryClient();
  const lookup = useQuery({
    queryKey: ['invitation', token],
    queryFn: ({ signal }) => lookupInvitation(token, signal),
    enabled: token.length >= 16,
    retry: false,
  });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const accept = useMutation({
    mutationFn: () => acceptInvitation({ token, password, name: name.trim() || undefined }),
    onSuccess: (session) => startSession(queryClient, session),
  });
  if (accept.isSuccess) return <Navigate to="/" replace />;
  const inv = lookup.data;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!accept.isPending && password) accept.mutate();
  }

  return (
    <main className={styles.page}>
      <title>Join · Overcast</title>
      <div className={styles.panel}>
        <Logo size="lg" />
        <div className={styles.card}>
          {token.length < 16 ? (
            <Alert>This invite link is incomplete; open the whole link from the invitation.</Alert>
          ) : lookup.isError ? (
            <Alert>{errorText(lookup.error)}</Alert>
          ) : !inv ? (
            <Spinner />
          ) : (
            <>
              <h1 className={styles.heading}>Join {inv.organizationName}</h1>
              <p>
                You are invited as {roleLabel(inv.role)} with the email <strong>{inv.email}</strong>.
              </p>
              {accept.isError && <Alert>{errorText(accept.error)}</Alert>}
              <form className={styles.form} onSubmit={onSubmit} noValidate aria-busy={accept.isPending}>
                <TextField
                  label="Your name"
                  name="name"
                  hint="For a new account; an existing one keeps its name."
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                />
                <TextField
                  label="Password"
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  hint="If you already have an Overcast account with this email, its password; otherwise a new password for your new account."
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
                <Button type="submit" variant="primary" block busy={accept.isPending}>
                  Join {inv.organizationName}
                </Button>
              </form>
            </>
          )}
        </div>
      </div>
    </main>
  );
}

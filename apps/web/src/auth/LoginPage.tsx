import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { login } from '../api/auth';
import { ApiError } from '../api/errors';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Logo } from '../ui/Logo';
import { TextField } from '../ui/TextField';
import styles from './LoginPage.module.css';
import { describeLoginError, validateLogin } from './loginErrors';
import { safeNext } from './redirect';
import { startSession, useSessionState } from './session';

export function LoginPage() {
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const { data: sessionState } = useSessionState();

  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [askCode, setAskCode] = useState(false);
  const otpRef = useRef<HTMLInputElement>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  // Success stores the session; the redirect below then takes the user where they were going.
  const mutation = useMutation({
    mutationFn: login,
    onSuccess: (session) => startSession(queryClient, session),
    onError: (error) => {
      if (error instanceof ApiError && (error.code === 'totp_required' || error.code === 'invalid_totp'))
        setAskCode(true);
    },
  });
  const serverError = mutation.error ? describeLoginError(mutation.error) : null;

  // Put focus where the user can fix the problem; the alert itself is announced either way.
  // Keyed on the error object so it happens once per failed attempt, not on every keystroke.
  useEffect(() => {
    if (!mutation.error) return;
    if (mutation.error instanceof ApiError && mutation.error.code.endsWith('totp')) {
      otpRef.current?.focus();
      otpRef.current?.select();
      return;
    }
    const { field } = describeLoginError(mutation.error);
    if (field === 'password') {
      passwordRef.current?.focus();
      passwordRef.current?.select();
    } else if (field === 'email') emailRef.current?.focus();
    else alertRef.current?.focus();
  }, [mutation.error]);

  if (sessionState?.status === 'signed-in') return <Navigate to={next} replace />;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (mutation.isPending) return;
    const errors = validateLogin(email, password);
    setFieldErrors(errors);
    if (errors.email) emailRef.current?.focus();
    else if (errors.password) passwordRef.current?.focus();
    else
      mutation.mutate({ email: email.trim(), password, otp: askCode && otp.trim() ? otp.trim() : undefined });
  }

  return (
    <main className={styles.page}>
      <title>Log in · Overcast</title>
      <div className={styles.panel}>
        <Logo size="lg" />
        <div className={styles.card}>
          <h1 className={styles.heading}>Log in to Overcast</h1>
          {serverError && <Alert ref={alertRef}>{serverError.message}</Alert>}
          <form className={styles.form} onSubmit={onSubmit} noValidate aria-busy={mutation.isPending}>
            <TextField
              ref={emailRef}
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              // The only thing to do on this page, so start there.
              autoFocus
              value={email}
              onChange={(event) => {
                setEmail(event.target.value);
                if (fieldErrors.email) setFieldErrors({ ...fieldErrors, email: undefined });
              }}
              error={fieldErrors.email}
            />
            <TextField
              ref={passwordRef}
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => {
                setPassword(event.target.value);
                if (fieldErrors.password) setFieldErrors({ ...fieldErrors, password: undefined });
              }}
              error={fieldErrors.password}
            />
            {askCode && (
              <TextField
                ref={otpRef}
                label="Authentication code"
                name="otp"
                inputMode="numeric"
                autoComplete="one-time-code"
                hint="The 6-digit code from your authenticator app, or a recovery code."
                value={otp}
                onChange={(event) => setOtp(event.target.value)}
              />
            )}
            <Button type="submit" variant="primary" block busy={mutation.isPending}>
              {mutation.isPending ? 'Logging in…' : 'Log in'}
            </Button>
          </form>
        </div>
        <p className={styles.footnote}>No account yet? Ask an admin of your organization to invite you.</p>
      </div>
    </main>
  );
}

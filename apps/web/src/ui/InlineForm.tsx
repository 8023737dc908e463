import type { FormEvent, ReactNode } from 'react';
import { errorText } from '../api/errors';
import { Alert } from './Alert';
import forms from './forms.module.css';

/** A form laid out in one wrapping row (fields, then its button), with the server's error under it. */
export function InlineForm({
  onSubmit,
  error,
  children,
}: {
  onSubmit: () => void;
  error?: unknown;
  children: ReactNode;
}) {
  return (
    <>
      <form
        className={forms.row}
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        {children}
      </form>
      {error ? <Alert>{errorText(error)}</Alert> : null}
    </>
  );
}

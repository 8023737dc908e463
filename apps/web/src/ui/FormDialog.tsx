import { type FormEvent, type ReactNode, useId } from 'react';
import { errorText } from '../api/errors';
import { Alert } from './Alert';
import { Button } from './Button';
import { Dialog } from './Dialog';
import layout from './layout.module.css';

interface FormDialogProps {
  title: ReactNode;
  description?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  onClose: () => void;
  onSubmit: () => void;
  /** The change is running: buttons wait, Escape and the backdrop don't close. */
  busy: boolean;
  submitLabel: ReactNode;
  /** `danger` for deletions. */
  tone?: 'primary' | 'danger';
  submitDisabled?: boolean;
  /** Shown at the top of the form (the server's message); null when all is well. */
  error?: unknown;
  /** Shown in the footer before the buttons (progress of a long check). */
  status?: ReactNode;
  /** Leave checking to the form's own code rather than the browser's bubbles. */
  noValidate?: boolean;
  /** The form's DOM id, for tests and for buttons outside it. */
  formId?: string;
  className?: string;
  children: ReactNode;
}

/** A dialog holding one form: fields, the server's error, Cancel and the action. */
export function FormDialog({
  title,
  description,
  size,
  onClose,
  onSubmit,
  busy,
  submitLabel,
  tone = 'primary',
  submitDisabled = false,
  error,
  status,
  noValidate,
  formId,
  className,
  children,
}: FormDialogProps) {
  const generated = useId();
  const id = formId ?? generated;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!submitDisabled) onSubmit();
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={title}
      description={description}
      size={size}
      busy={busy}
      footer={
        <>
          {status}
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant={tone} type="submit" form={id} busy={busy} disabled={submitDisabled}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <form
        id={id}
        className={[layout.stack, className].filter(Boolean).join(' ')}
        onSubmit={submit}
        noValidate={noValidate}
      >
        {error ? <Alert>{errorText(error)}</Alert> : null}
        {children}
      </form>
    </Dialog>
  );
}

import type { Ref } from 'react';
import { TextField } from './TextField';

/** The name a resource is known by in lists: required, plain text, no browser suggestions. */
export function NameField({
  value,
  onChange,
  maxLength,
  label = 'Name',
  error,
  ref,
}: {
  value: string;
  onChange: (name: string) => void;
  maxLength: number;
  label?: string;
  error?: string | undefined;
  ref?: Ref<HTMLInputElement>;
}) {
  return (
    <TextField
      ref={ref}
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      required
      maxLength={maxLength}
      autoComplete="off"
    />
  );
}

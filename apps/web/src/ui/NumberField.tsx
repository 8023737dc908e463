import { TextField, type TextFieldProps } from './TextField';

/**
 * A number input whose value stays the text typed (empty, or a number not yet finished), so the
 * form decides what it accepts: a count, minutes, a size.
 */
export function NumberField({
  onChange,
  ...field
}: Omit<TextFieldProps, 'type' | 'value' | 'onChange'> & {
  value: string;
  onChange: (value: string) => void;
}) {
  return <TextField {...field} type="number" onChange={(e) => onChange(e.target.value)} />;
}

import { TextField, type TextFieldProps } from './TextField';

/** An input whose value stays the text typed, so the form decides what it accepts. */
type ValueFieldProps = Omit<TextFieldProps, 'type' | 'value' | 'onChange'> & {
  value: string;
  onChange: (value: string) => void;
};

function TypedField({ type, onChange, ...field }: ValueFieldProps & { type: string }) {
  return <TextField {...field} type={type} onChange={(e) => onChange(e.target.value)} />;
}

/** A count, minutes or a size; empty, or a number not yet finished, reaches the form as typed. */
export function NumberField(props: ValueFieldProps) {
  return <TypedField {...props} type="number" />;
}

/** A local date and time, as `<input type="datetime-local">` writes it (no zone). */
export function DateTimeField(props: ValueFieldProps) {
  return <TypedField {...props} type="datetime-local" />;
}

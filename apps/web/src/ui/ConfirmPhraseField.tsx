import forms from './forms.module.css';
import { TextField } from './TextField';

/** Asks for the exact words before something that can't be undone (a deletion, a destroy). */
export function ConfirmPhraseField({
  phrase,
  value,
  onChange,
}: {
  phrase: string;
  value: string;
  onChange: (typed: string) => void;
}) {
  return (
    <TextField
      label={
        <>
          Type <code className={forms.phrase}>{phrase}</code> to confirm
        </>
      }
      value={value}
      onChange={(e) => onChange(e.target.value)}
      autoComplete="off"
      spellCheck={false}
    />
  );
}

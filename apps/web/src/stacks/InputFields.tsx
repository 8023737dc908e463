import { ApiError } from '../api/errors';
import type { TemplateInput } from '../api/types';
import { SelectField } from '../ui/Field';
import forms from '../ui/forms.module.css';
import { TextField } from '../ui/TextField';

export type InputValues = Record<string, string | boolean>;

/** The starting values of a template's inputs: their defaults (secrets never have one). */
export function defaultValues(inputs: Record<string, TemplateInput>): InputValues {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [
      name,
      input.type === 'boolean'
        ? input.default === true
        : input.default === undefined
          ? ''
          : String(input.default),
    ]),
  );
}

/** The input the API's error is about: `body.inputs.size` is the size input. */
export const inputAtFault = (error: unknown) =>
  error instanceof ApiError && error.field?.startsWith('body.inputs.')
    ? error.field.slice('body.inputs.'.length)
    : null;

/** What is sent: empty optional inputs are left out so the template's rules decide. */
export const inputsToSend = (values: InputValues): Record<string, string | boolean> =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));

/** One field per typed input: text, number, a switch, a list of choices, or a hidden secret. */
export function InputFields({
  inputs,
  values,
  onChange,
  errorFor,
}: {
  inputs: Record<string, TemplateInput>;
  values: InputValues;
  onChange: (name: string, value: string | boolean) => void;
  errorFor: (name: string) => string | undefined;
}) {
  return (
    <>
      {Object.entries(inputs).map(([name, input]) => {
        const hint = input.description;
        const aside = input.required === false ? 'optional' : undefined;
        const value = values[name];
        if (input.type === 'boolean')
          return (
            <label key={name} className={forms.choice}>
              <input
                type="checkbox"
                name={name}
                checked={value === true}
                onChange={(e) => onChange(name, e.target.checked)}
              />{' '}
              {name}
              {hint && <span> — {hint}</span>}
            </label>
          );
        if (input.type === 'choice')
          return (
            <SelectField
              key={name}
              label={name}
              name={name}
              hint={hint}
              aside={aside}
              error={errorFor(name)}
              value={String(value ?? '')}
              onChange={(e) => onChange(name, e.target.value)}
            >
              {input.default === undefined && <option value="">Choose…</option>}
              {(input.allowed ?? []).map((option) => (
                <option key={String(option)} value={String(option)}>
                  {String(option)}
                </option>
              ))}
            </SelectField>
          );
        return (
          <TextField
            key={name}
            label={name}
            name={name}
            hint={hint}
            aside={aside}
            error={errorFor(name)}
            type={input.type === 'secret' ? 'password' : input.type === 'number' ? 'number' : 'text'}
            autoComplete={input.type === 'secret' ? 'new-password' : 'off'}
            value={String(value ?? '')}
            onChange={(e) => onChange(name, e.target.value)}
          />
        );
      })}
    </>
  );
}

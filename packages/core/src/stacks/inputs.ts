import type { TemplateDocument } from '@overcast/contracts';
import { DomainError } from '../errors';

export type InputValue = string | number | boolean;

/** The inputs of a deploy: the given values checked against the template, defaults filled in, as text. */
export function resolveInputs(
  doc: TemplateDocument,
  given: Record<string, unknown> = {},
): Record<string, string> {
  const declared = doc.inputs ?? {};
  const bad = (name: string, message: string) =>
    new DomainError('invalid', 'invalid_template_input', message, `body.inputs.${name}`);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name))
      throw bad(
        name,
        `The template has no input ${name}; it takes ${Object.keys(declared).join(', ') || 'none'}.`,
      );
  }
  const values: Record<string, string> = {};
  for (const [name, input] of Object.entries(declared)) {
    const value = Object.hasOwn(given, name) ? given[name] : input.default;
    if (value === undefined || value === null || value === '') {
      if (input.required === false) {
        values[name] = '';
        continue;
      }
      throw bad(name, `The input ${name} needs a value.`);
    }
    if (input.type === 'number') {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(name, `The input ${name} is a number.`);
      values[name] = String(n);
    } else if (input.type === 'boolean') {
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false')
        throw bad(name, `The input ${name} is true or false.`);
      values[name] = String(value);
    } else {
      if (typeof value !== 'string' && !(input.type === 'choice' && typeof value === 'number'))
        throw bad(name, `The input ${name} is text.`);
      const text = String(value);
      if (text.includes('\0')) throw bad(name, `The input ${name} may not contain NUL bytes.`);
      if (text.length > 65_536) throw bad(name, `The input ${name} is longer than 64 KiB.`);
      if (input.allowed && !input.allowed.map(String).includes(text))
        throw bad(name, `The input ${name} is one of ${input.allowed.join(', ')}.`);
      values[name] = text;
    }
  }
  return values;
}

/** Names of the secret inputs, whose values are stored encrypted and never shown. */
export const secretInputs = (doc: TemplateDocument) =>
  Object.entries(doc.inputs ?? {})
    .filter(([, i]) => i.type === 'secret')
    .map(([n]) => n);

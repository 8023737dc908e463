import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { App } from '../context';
import { rejectNulBytes } from './nul-bytes';

// Bodies are validated strictly: a wrong type is a 400, never coerced, and unknown fields
// are refused rather than silently dropped. Query strings and path params arrive as text,
// so those (and only those) are coerced.
const base: Options = {
  allErrors: false,
  removeAdditional: false,
  useDefaults: true,
  strict: false,
  // Unions told apart by a "kind" field report errors inside the variant that was meant.
  discriminator: true,
};

export function installValidators(app: App): void {
  const strict = addFormats(new Ajv({ ...base, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strict.compile(schema) : coercing.compile(schema),
  );
  rejectNulBytes(app);
}

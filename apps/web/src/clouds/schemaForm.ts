import type { FieldUi } from '@overcast/contracts';
import { type ApiError, errorField } from '../api/errors';
import type { ProviderInfo } from '../api/types';

// The add-cloud and edit-cloud forms, read from a provider's descriptor: its credentials and
// config JSON Schemas, whose fields carry `ui` hints. No provider is named here.

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  description?: string;
  ui?: FieldUi;
}

/** One input of a provider's form. `name` is its key in the form's values (`host.address` in a group). */
export interface FieldSpec {
  name: string;
  target: 'credentials' | 'config';
  /** Where the value goes inside `credentials` or `config`. */
  path: string[];
  widget: NonNullable<FieldUi['widget']>;
  label: string;
  required: boolean;
  placeholder?: string;
  hint?: string;
  mono: boolean;
  advanced: boolean;
  /** For a list: strings typed comma-separated, or objects one per line in this format. */
  lineFormat?: string;
  /** For a field of a group: the group's name and whether the group itself is required. */
  group?: { name: string; label: string; required: boolean };
  order: number;
}

export type FormValues = Record<string, string>;

const humanize = (name: string) =>
  name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

function widgetOf(schema: JsonSchema): NonNullable<FieldUi['widget']> {
  if (schema.ui?.widget) return schema.ui.widget;
  if (schema.type === 'integer' || schema.type === 'number') return 'number';
  if (schema.type === 'boolean') return 'checkbox';
  if (schema.type === 'array') return 'list';
  return 'text';
}

function fieldsOf(schema: JsonSchema, target: FieldSpec['target']): FieldSpec[] {
  const required = new Set(schema.required ?? []);
  const out: FieldSpec[] = [];
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const ui = prop.ui ?? {};
    const order = ui.order ?? 1000 + out.length + (target === 'config' ? 500 : 0);
    if (widgetOf(prop) === 'group') {
      const group = { name: key, label: ui.label ?? humanize(key), required: required.has(key) };
      const inner = new Set(prop.required ?? []);
      for (const [childKey, child] of Object.entries(prop.properties ?? {})) {
        const cui = child.ui ?? {};
        out.push({
          name: `${key}.${childKey}`,
          target,
          path: [key, childKey],
          widget: widgetOf(child),
          label: cui.label ?? humanize(childKey),
          required: group.required && inner.has(childKey),
          placeholder: cui.placeholder,
          hint: cui.help ?? child.description,
          mono: cui.mono ?? false,
          advanced: ui.advanced ?? false,
          group,
          order: order + out.length / 1000,
        });
      }
      continue;
    }
    out.push({
      name: key,
      target,
      path: [key],
      widget: widgetOf(prop),
      label: ui.label ?? humanize(key),
      required: required.has(key),
      placeholder: ui.placeholder,
      hint: ui.help ?? prop.description,
      mono: ui.mono ?? false,
      advanced: ui.advanced ?? false,
      lineFormat: ui.lineFormat,
      order,
    });
  }
  return out;
}

/** The form's inputs, in the order the provider's hints give (where first, then who, if it says so). */
export function formFields(provider: ProviderInfo): FieldSpec[] {
  return [
    ...fieldsOf(provider.credentials as JsonSchema, 'credentials'),
    ...fieldsOf(provider.config as JsonSchema, 'config'),
  ].sort((a, b) => a.order - b.order);
}

// A line format such as `{username}@{address}[:{port}][ {name}]` as a regular expression.
function lineParser(format: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  let source = '';
  for (const token of format.match(/\{\w+\}|\[|\]|[^{}[\]]+/g) ?? []) {
    if (token === '[') source += '(?:';
    else if (token === ']') source += ')?';
    else if (token.startsWith('{')) {
      names.push(token.slice(1, -1));
      // The last field takes the rest of the line (a name with spaces); others stop at separators.
      source += '(\\[[^\\]]+\\]|[^@:\\s]+|.+)';
    } else source += token.replace(/[.*+?^${}()|\\]/g, '\\$&').replace(/ /g, '\\s+');
  }
  return { pattern: new RegExp(`^${source}$`), names };
}

function parseLine(format: string, line: string, itemSchema: JsonSchema): Record<string, unknown> | null {
  const { pattern, names } = lineParser(format);
  const m = pattern.exec(line);
  if (!m) return null;
  const item: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const raw = m[i + 1];
    if (raw === undefined) return;
    const type = itemSchema.properties?.[name]?.type;
    const value = raw.trim().replace(/^\[|\]$/g, '');
    item[name] = type === 'integer' || type === 'number' ? Number(value) : value;
  });
  return item;
}

function formatLine(format: string, item: Record<string, unknown>): string {
  return format
    .replace(/\[([^\]]*)\]/g, (_, part: string) => {
      const names = [...part.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
      return names.every((n) => item[n] !== undefined && item[n] !== '') ? part : '';
    })
    .replace(/\{(\w+)\}/g, (_, n: string) => String(item[n] ?? ''));
}

function schemaAt(provider: ProviderInfo, field: FieldSpec): JsonSchema {
  let schema = provider[field.target] as JsonSchema;
  for (const key of field.path) schema = schema.properties?.[key] ?? {};
  return schema;
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ?? {}) as Record<string, unknown>;
  target[head] = inner;
  setAt(inner, rest, value);
}

/** Builds credentials and config for the API from the form's text, or says which field is wrong. */
export function buildRequest(
  provider: ProviderInfo,
  values: FormValues,
  /** Editing: empty credentials keep the stored ones. */
  editing = false,
): {
  credentials: Record<string, unknown>;
  config: Record<string, unknown>;
  error?: { field: string; message: string };
} {
  const out = { credentials: {} as Record<string, unknown>, config: {} as Record<string, unknown> };
  const fields = formFields(provider);
  const fail = (field: string, message: string) => ({ ...out, error: { field, message } });
  for (const field of fields) {
    const text = values[field.name] ?? '';
    if (!text.trim()) continue;
    const schema = schemaAt(provider, field);
    let value: unknown = text.trim();
    if (field.widget === 'number') value = Number(text.trim());
    else if (field.widget === 'checkbox') value = text === 'true';
    else if (field.widget === 'file' || field.widget === 'textarea') value = `${text.trim()}\n`;
    else if (field.widget === 'list') {
      const items = schema.items ?? {};
      if (field.lineFormat) {
        const parsed: Record<string, unknown>[] = [];
        for (const [i, line] of text.split('\n').entries()) {
          if (!line.trim()) continue;
          const item = parseLine(field.lineFormat, line.trim(), items);
          if (!item)
            return fail(
              field.name,
              `Line ${i + 1}: write it as ${field.lineFormat.replace(/[{}[\]]/g, '')}.`,
            );
          parsed.push(item);
        }
        value = parsed;
      } else value = text.split(/[\s,]+/).filter(Boolean);
    }
    // Keys and certificates keep their final newline; JSON and one-line values do not need one.
    if (typeof value === 'string' && value.endsWith('\n') && !/^-----BEGIN/.test(value)) value = value.trim();
    setAt(out[field.target], field.path, value);
  }
  // A group half filled in (an address without its user) says what is missing.
  for (const field of fields) {
    if (!field.group) continue;
    const given = (out[field.target][field.group.name] ?? null) as Record<string, unknown> | null;
    const required = (schemaAt(provider, { ...field, path: [field.group.name] }).required ?? []).includes(
      field.path[1] as string,
    );
    if (given && required && given[field.path[1] as string] === undefined)
      return fail(field.name, `Give the ${field.label.toLowerCase()} too.`);
  }
  for (const field of fields) {
    if (editing && field.target === 'credentials') continue;
    if (field.required && !field.group && out[field.target][field.name] === undefined)
      return fail(field.name, `${field.label} is required.`);
  }
  return out;
}

/** The form's text for a stored config (editing a cloud); credentials are never shown back. */
export function valuesFromConfig(provider: ProviderInfo, config: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const field of formFields(provider)) {
    if (field.target !== 'config') continue;
    let value: unknown = config;
    for (const key of field.path) value = (value as Record<string, unknown> | undefined)?.[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      const format = field.lineFormat;
      values[field.name] = format
        ? value.map((item) => formatLine(format, item as Record<string, unknown>)).join('\n')
        : value.join(', ');
    } else values[field.name] = String(value);
  }
  return values;
}

/** The config keys the form shows: the ones an edit replaces (others are kept as stored). */
export const formConfigKeys = (provider: ProviderInfo): string[] => [
  ...new Set(
    formFields(provider)
      .filter((f) => f.target === 'config')
      .map((f) => f.path[0] as string),
  ),
];

/** Which form field an API error is about: `body.credentials.token`, `body.config.host.address`, `body.title`. */
export function cloudFieldOf(error: unknown, provider?: ProviderInfo): string | null {
  const field = errorField(error, ['title', 'credentials', 'config']);
  if (field !== 'credentials' && field !== 'config') return field;
  const parts = (error as ApiError).field?.split('.').slice(2) ?? [];
  if (!parts[0]) return null;
  const fields = provider ? formFields(provider) : [];
  const exact = fields.find((f) => f.path.join('.') === parts.slice(0, 2).join('.'));
  const first = fields.find((f) => f.path[0] === parts[0]);
  return exact?.name ?? first?.name ?? (parts[0] as string);
}

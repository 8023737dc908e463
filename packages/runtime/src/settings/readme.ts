import type { TSchema } from '@sinclair/typebox';
import { envName, settingLeaves } from './paths';
import { SettingsSchema } from './schema';

function defaultText(schema: TSchema): string {
  if (schema.default === undefined) return 'generated on first start';
  return `\`${JSON.stringify(schema.default)}\``;
}

/** settings/README.md, rendered from the schema so documentation and validation agree. */
export function renderSettingsReadme(): string {
  const lines = [
    '# Settings',
    '',
    '`settings.json` in this folder is created by the api on its first start, with fresh secrets.',
    'Edit it and restart the api and worker (`docker compose restart api worker`) to apply a change.',
    'An environment variable, when set, wins over the file. A bad value stops the start with a',
    'message naming the key.',
    '',
    '`settings.json` holds secrets: keep it out of version control and back it up with the database.',
    '',
    '| key | environment | default | meaning |',
    '| --- | --- | --- | --- |',
  ];
  const properties = SettingsSchema.properties as Record<string, TSchema>;
  for (const [path, schema] of settingLeaves()) {
    const section = path.length > 1 ? properties[path[0]!] : undefined;
    const meaning = [
      section?.description && path.length > 1 ? `${section.description}` : '',
      schema.description ?? '',
    ]
      .filter(Boolean)
      .join(' ');
    lines.push(
      `| \`${path.join('.')}\` | \`${envName(path)}\` | ${defaultText(schema)} | ${meaning.replaceAll('|', '\\|')} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

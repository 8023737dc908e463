import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Template, TemplateList, TemplateValidation } from '@overcast/contracts';
import type { Command } from '../command';
import { CliError, UsageError } from '../errors';
import { readAllStdin } from '../prompt';

/** The file's name without its YAML extension: what a template applied from it is called. */
const nameOfFile = (path: string) => basename(path).replace(/\.ya?ml$/i, '');

function readSource(path: string): Promise<string> | string {
  if (path === '-') return readAllStdin();
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(
      `Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

export const apply: Command = {
  name: 'apply',
  summary: 'Save a template from a YAML file: a new template, or a new version of it',
  help: `Usage: overcast apply -f FILE [--name NAME]

Checks the template in FILE (- reads standard input) and saves it as the template NAME (by
default the file's name without .yaml): made when there is none of that name, a new version
when its source changed, nothing when it did not. Problems are printed one a line as
FILE:LINE:COLUMN: field: message, nothing is saved, and the exit status is 1.
A template imported from Git is changed in its repository, not here.

Options:
  -f, --file FILE   The template's YAML (- for standard input)
  --name NAME       The template's name (needed with -f -)`,
  options: {
    file: { type: 'string', short: 'f' },
    name: { type: 'string' },
  },
  async run(cli) {
    const path = cli.string('file');
    if (path === undefined)
      throw new UsageError('Say which file to apply: -f FILE (or -f - for standard input).');
    const name = cli.string('name') ?? (path === '-' ? undefined : nameOfFile(path));
    if (!name) throw new UsageError('Give the template a name with --name when reading standard input.');
    const source = await readSource(path);
    const client = cli.client();

    const check = await client.post<TemplateValidation>('/templates/validate', { source });
    if (!check.valid) {
      const label = path === '-' ? '<stdin>' : path;
      for (const p of check.problems)
        process.stderr.write(`${label}:${p.line}:${p.column}: ${p.field}: ${p.message}\n`);
      const count = check.problems.length;
      throw new CliError(`${name} has ${count} problem${count === 1 ? '' : 's'}; nothing was saved.`);
    }

    const { items } = await client.get<TemplateList>('/templates');
    const existing = items.find((t) => t.name === name);
    if (!existing) {
      const made = await client.post<Template>('/templates', { name, source });
      process.stdout.write(`template ${made.name} created (version ${made.version})\n`);
    } else if (existing.source === source) {
      process.stdout.write(`template ${existing.name} unchanged (version ${existing.version})\n`);
    } else {
      const saved = await client.patch<Template>(`/templates/${existing.id}`, { source });
      process.stdout.write(`template ${saved.name} updated to version ${saved.version}\n`);
    }
    return 0;
  },
};

import { TEMPLATE_MAX_BYTES, TemplateDocument, type TemplateProblem } from '@overcast/contracts';
import { type TSchema, TypeGuard } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { checkTemplateMeaning } from './template-check';

export type ParsedTemplate =
  | { ok: true; document: TemplateDocument; problems: [] }
  | { ok: false; problems: TemplateProblem[] };

/** At most this many problems are reported: a hostile document cannot make a huge answer. */
const MAX_PROBLEMS = 50;
/** Each alias expands at most this many times (billion-laughs documents are refused). */
const MAX_ALIASES = 50;

/** Turns a path (`['resources', 'machines', 'web']`) into the text shown to people. */
export const fieldName = (path: (string | number)[]) => path.join('.') || '(document)';

/** Where in the source a path points: the deepest node along it that exists. */
export type Locate = (path: (string | number)[]) => { line: number; column: number };

function locator(doc: ReturnType<typeof parseDocument>, lines: LineCounter): Locate {
  return (path) => {
    let node: unknown = doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
        if ((node as Node | null)?.range && !isMap(node) && !isSeq(node)) offset = (node as Node).range![0];
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        offset = (node as Node).range?.[0] ?? offset;
      } else break;
    }
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
}

/** Where a path points in a source that parses (a stored version's): for messages after parsing. */
export function lineOf(source: string, path: (string | number)[]): number {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  return locator(doc, lines)(path).line;
}

/**
 * The template's line for a line of a text value: a block scalar (`|`) starts on the line after
 * its header; other scalars are one line here, so their own line is the best there is.
 */
function lineWithin(
  doc: ReturnType<typeof parseDocument>,
  path: (string | number)[],
  valueLine: number,
  lineInValue: number,
): number {
  const node = doc.getIn(path, true);
  const block = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
  return block ? valueLine + lineInValue : valueLine;
}

const problemAt = (locate: Locate, path: (string | number)[], message: string): TemplateProblem => ({
  ...locate(path),
  field: fieldName(path),
  message,
});

/** TypeBox's JSON pointer as path segments (`/steps/a~1b/on/0` -> steps, a/b, on, 0). */
const pointerPath = (pointer: string): (string | number)[] =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/**
 * Parses a template's YAML and checks it against the schema and its own references. Every
 * problem names the line, column and field it is about; the source is never executed or expanded
 * beyond a few aliases, so hostile documents cost little.
 */
export function parseTemplate(source: string): ParsedTemplate {
  const nowhere = { line: 1, column: 1, field: '(document)' };
  if (Buffer.byteLength(source, 'utf8') > TEMPLATE_MAX_BYTES) {
    return {
      ok: false,
      problems: [
        { ...nowhere, message: `The template is larger than ${TEMPLATE_MAX_BYTES / 1024} KiB; split it up.` },
      ],
    };
  }
  const nul = source.indexOf('\0');
  if (nul >= 0) {
    const before = source.slice(0, nul).split('\n');
    return {
      ok: false,
      problems: [
        {
          line: before.length,
          column: before.at(-1)!.length + 1,
          field: '(document)',
          message: 'The template contains a NUL byte; remove it.',
        },
      ],
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.slice(0, MAX_PROBLEMS).map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { line, column: col, field: '(document)', message: `YAML: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  const locate = locator(doc, lines);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    return {
      ok: false,
      problems: [
        {
          ...nowhere,
          message: `The template expands too far (${(err as Error).message}); use fewer aliases.`,
        },
      ],
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      problems: [
        { ...nowhere, message: 'A template is a mapping with resources (and inputs, steps, outputs).' },
      ],
    };
  }
  const schemaProblems: TemplateProblem[] = [];
  for (const e of schemaErrors(TemplateDocument, value)) {
    schemaProblems.push(problemAt(locate, pointerPath(e.path), e.message));
    if (schemaProblems.length >= MAX_PROBLEMS) break;
  }
  if (schemaProblems.length > 0) return { ok: false, problems: dedupe(schemaProblems) };
  const document = value as TemplateDocument;
  const meaning = checkTemplateMeaning(document).slice(0, MAX_PROBLEMS);
  if (meaning.length > 0) {
    return {
      ok: false,
      problems: meaning.map((p) => {
        const problem = problemAt(locate, p.path, p.message);
        return p.lineInValue
          ? { ...problem, line: lineWithin(doc, p.path, problem.line, p.lineInValue) }
          : problem;
      }),
    };
  }
  return { ok: true, document, problems: [] };
}

/**
 * The schema's errors, a union of mappings told apart by `kind` (a step) reported through the
 * member its `kind` picks: "playbook is required" on its line, not "Expected union value".
 */
function* schemaErrors(
  schema: TSchema,
  value: unknown,
  prefix = '',
): Generator<{ path: string; message: string }> {
  for (const e of Value.Errors(schema, value)) {
    const path = `${prefix}${e.path}`;
    const byKind = e.type === ValueErrorType.Union ? memberByKind(e.schema, e.value) : null;
    if (byKind?.member) yield* schemaErrors(byKind.member, e.value, path);
    else if (byKind?.notMapping) yield { path, message: 'Expected object' };
    else if (byKind) yield { path: `${path}/kind`, message: `Expected one of: ${byKind.kinds.join(', ')}` };
    else yield { path, message: e.message };
  }
}

/** The member a mapping's `kind` picks (null when it picks none), or null for other unions. */
function memberByKind(
  union: TSchema,
  value: unknown,
): { member: TSchema | null; kinds: string[]; notMapping: boolean } | null {
  if (!TypeGuard.IsUnion(union)) return null;
  const members = union.anyOf.filter((m) => TypeGuard.IsObject(m) && m.properties.kind);
  if (members.length < 2) return null;
  const kinds = members.flatMap((m) => literalsOf(m.properties.kind));
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { member: null, kinds, notMapping: true };
  const kind = (value as { kind?: unknown }).kind;
  // Without a kind, the member whose kind is optional (the default one).
  const member = members.find((m) =>
    kind === undefined ? !m.required?.includes('kind') : Value.Check(m.properties.kind, kind),
  );
  return { member: member ?? null, kinds, notMapping: false };
}

const literalsOf = (schema: TSchema): string[] =>
  TypeGuard.IsLiteral(schema)
    ? [String(schema.const)]
    : TypeGuard.IsUnion(schema)
      ? schema.anyOf.flatMap(literalsOf)
      : [];

/** TypeBox reports a union's failure once per member; one line per field and message is enough. */
function dedupe(problems: TemplateProblem[]): TemplateProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

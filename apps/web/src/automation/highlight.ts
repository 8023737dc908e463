// A small shell tokenizer for the script editor: enough to colour comments, strings, variables
// and keywords as people type, without shipping a full editor.

export type TokenKind = 'comment' | 'string' | 'variable' | 'keyword' | 'shebang' | 'text';
export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = new Set(
  'if then else elif fi for while until do done case esac function in return exit export local readonly set unset shift break continue select time'.split(
    ' ',
  ),
);

const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

export function tokenize(source: string): Token[] {
  const out: Token[] = [];
  let text = '';
  const push = (kind: TokenKind, value: string) => {
    if (kind === 'text') {
      text += value;
      return;
    }
    if (text) out.push({ kind: 'text', text });
    text = '';
    out.push({ kind, text: value });
  };
  let i = 0;
  if (source.startsWith('#!')) {
    const end = source.indexOf('\n');
    const line = end === -1 ? source : source.slice(0, end);
    push('shebang', line);
    i = line.length;
  }
  while (i < source.length) {
    const c = source[i]!;
    const prev = i === 0 ? '\n' : source[i - 1]!;
    if (c === '#' && /\s|;|\(/.test(prev)) {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      push('comment', source.slice(i, stop));
      i = stop;
    } else if (c === "'") {
      const end = source.indexOf("'", i + 1);
      const stop = end === -1 ? source.length : end + 1;
      push('string', source.slice(i, stop));
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
      const stop = Math.min(source.length, j + 1);
      push('string', source.slice(i, stop));
      i = stop;
    } else if (c === '$') {
      const rest = source.slice(i + 1);
      if (rest.startsWith('{')) {
        const end = source.indexOf('}', i);
        const stop = end === -1 ? source.length : end + 1;
        push('variable', source.slice(i, stop));
        i = stop;
      } else {
        const m = WORD.exec(rest) ?? /^[0-9#?@*$!-]/.exec(rest);
        push(m ? 'variable' : 'text', `$${m?.[0] ?? ''}`);
        i += 1 + (m?.[0].length ?? 0);
      }
    } else if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_./-]/.test(prev)) {
      const word = WORD.exec(source.slice(i))![0];
      push(KEYWORDS.has(word) ? 'keyword' : 'text', word);
      i += word.length;
    } else {
      push('text', c);
      i += 1;
    }
  }
  if (text) out.push({ kind: 'text', text });
  return out;
}

/** "  - name:" / "hosts:" at the start of a line: the key, without its indent, dash and colon. */
const YAML_KEY = /^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*)(?=\s*:(?:\s|$))/;

/**
 * The same for a playbook or a requirements file (YAML): comments, quoted strings, keys, and
 * Jinja expressions ("{{ var }}") as variables.
 */
export function tokenizeYaml(source: string): Token[] {
  const out: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    if (!text) return;
    const last = out.at(-1);
    if (kind === 'text' && last?.kind === 'text') last.text += text;
    else out.push({ kind, text });
  };
  for (const line of source.split(/(?<=\n)/)) {
    let rest = line;
    const key = YAML_KEY.exec(rest);
    if (key) {
      push('text', key[1]!);
      push('keyword', key[2]!);
      rest = rest.slice(key[0].length);
    }
    let i = 0;
    while (i < rest.length) {
      const c = rest[i]!;
      const prev = i === 0 ? (key ? ':' : ' ') : rest[i - 1]!;
      if (c === '#' && /\s/.test(prev)) {
        const stop = rest.endsWith('\n') ? rest.length - 1 : rest.length;
        push('comment', rest.slice(i, stop));
        i = stop;
      } else if (rest.startsWith('{{', i)) {
        const end = rest.indexOf('}}', i + 2);
        const stop = end === -1 ? rest.length : end + 2;
        push('variable', rest.slice(i, stop));
        i = stop;
      } else if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < rest.length && rest[j] !== c && rest[j] !== '\n')
          j += c === '"' && rest[j] === '\\' ? 2 : 1;
        const stop = Math.min(rest.length, j + 1);
        push('string', rest.slice(i, stop));
        i = stop;
      } else {
        push('text', c);
        i += 1;
      }
    }
  }
  return out;
}

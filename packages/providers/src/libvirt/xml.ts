// A small reader for the XML libvirt prints (domain, volume, pool, capabilities): elements,
// attributes, text, comments, CDATA and the five named entities plus numeric references.
// libvirt's output is machine-written and well-formed; anything else is reported, not guessed.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text directly inside this element. */
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)?.[0]};`);
}

const ATTR = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`malformed XML (${what}) near: ${source.slice(Math.max(0, i - 20), i + 40)}`);
  };
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const top = stack[stack.length - 1] as XmlElement;
    if (lt === -1) {
      top.text += decodeEntities(source.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(source.slice(i, lt));
    i = lt;
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i);
      if (end === -1) fail('unterminated comment');
      i = end + 3;
    } else if (source.startsWith('<![CDATA[', i)) {
      const end = source.indexOf(']]>', i);
      if (end === -1) fail('unterminated CDATA');
      top.text += source.slice(i + 9, end);
      i = end + 3;
    } else if (source.startsWith('<?', i) || source.startsWith('<!', i)) {
      const end = source.indexOf('>', i);
      if (end === -1) fail('unterminated declaration');
      i = end + 1;
    } else if (source.startsWith('</', i)) {
      const end = source.indexOf('>', i);
      if (end === -1) fail('unterminated end tag');
      const name = source.slice(i + 2, end).trim();
      if (name !== top.name || stack.length === 1) fail(`unexpected </${name}>`);
      stack.pop();
      i = end + 1;
    } else {
      // Attribute values may contain '>', so find the tag's end outside quotes.
      let j = i + 1;
      let quote = '';
      for (; j < source.length; j++) {
        const c = source[j];
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      if (j >= source.length) fail('unterminated tag');
      let body = source.slice(i + 1, j);
      const selfClosing = body.endsWith('/');
      if (selfClosing) body = body.slice(0, -1);
      const name = /^[^\s/>]+/.exec(body)?.[0] ?? fail('missing tag name');
      const attrs: Record<string, string> = {};
      for (const m of body.slice(name.length).matchAll(ATTR)) {
        attrs[m[1] as string] = decodeEntities(m[3] ?? m[4] ?? '');
      }
      const element: XmlElement = { name, attrs, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
      i = j + 1;
    }
  }
  if (stack.length !== 1) fail(`unclosed <${stack[stack.length - 1]?.name}>`);
  const first = root.children[0];
  if (!first) throw new Error('empty XML document');
  return first;
}

/** Local name without a namespace prefix ("overcast:tag" → "tag"). */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** Children along a path of element names ("devices/disk"); prefixes are ignored. */
export function all(el: XmlElement | undefined, path: string): XmlElement[] {
  let level: XmlElement[] = el ? [el] : [];
  for (const step of path.split('/')) {
    level = level.flatMap((e) => e.children.filter((c) => local(c.name) === step));
  }
  return level;
}

export const first = (el: XmlElement | undefined, path: string): XmlElement | undefined => all(el, path)[0];

export const textOf = (el: XmlElement | undefined, path: string): string | undefined =>
  first(el, path)?.text.trim();

/**
 * Writes an element back as XML. Text between children is dropped: the documents written back
 * (a domain definition) are libvirt's own, whose elements hold either text or children.
 */
export function toXml(el: XmlElement, indent = ''): string {
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (el.children.length === 0) {
    return el.text === ''
      ? `${indent}<${el.name}${attrs}/>`
      : `${indent}<${el.name}${attrs}>${escapeXml(el.text)}</${el.name}>`;
  }
  const inner = el.children.map((c) => toXml(c, `${indent}  `)).join('\n');
  return `${indent}<${el.name}${attrs}>\n${inner}\n${indent}</${el.name}>`;
}

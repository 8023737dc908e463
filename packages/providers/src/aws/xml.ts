// EC2 answers a listing in XML, and the SDK's parser reads it a character at a time, building
// every name and text by concatenation: most of a DescribeInstances call's time. This reads the
// same XML into the same object, scanning with indexOf and slicing, and is given to the SDK's
// own EC2 protocol (the client's documented `protocol` option), so the SDK's schema-driven
// deserializer still makes the typed output. xml.test.ts holds it to the SDK's answer.
import { AwsEc2QueryProtocol, XmlShapeDeserializer } from '@aws-sdk/core/protocols';

type XmlValue = string | XmlObject | XmlValue[];
interface XmlObject {
  [key: string]: XmlValue;
}

const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|([a-zA-Z][a-zA-Z0-9]{0,30}));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A character reference's text; one outside Unicode becomes U+FFFD rather than a RangeError. */
const codePoint = (n: number) => (n <= 0x10ffff ? String.fromCodePoint(n) : '\ufffd');

const decode = (s: string): string =>
  s.includes('&')
    ? s.replace(ENTITY, (_, hex, dec, named) =>
        hex
          ? codePoint(Number.parseInt(hex, 16))
          : dec
            ? codePoint(Number.parseInt(dec, 10))
            : (NAMED[named] ?? ''),
      )
    : s;

const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 10;
/** Text the SDK drops: whitespace spanning lines (indentation between elements). */
const isLayout = (s: string) => s.includes('\n') && s.trim() === '';

/** A key written as data, never as the object's prototype. */
function set(obj: XmlObject, key: string, value: XmlValue): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else obj[key] = value;
}

class Reader {
  private i = 0;
  private readonly z: number;
  private tag = '';

  constructor(private readonly x: string) {
    this.z = x.length;
  }

  private fail(what: string): never {
    throw new Error(`@aws-sdk XML parse error: ${what}.`);
  }

  private skipSpace() {
    while (this.i < this.z && isSpace(this.x.charCodeAt(this.i))) this.i++;
  }

  private skipPast(stop: string): string {
    const end = this.x.indexOf(stop, this.i);
    if (end === -1) this.fail(`expected "${stop}" not found`);
    const out = this.x.slice(this.i, end);
    this.i = end + stop.length;
    return out;
  }

  /** A tag's or attribute's name: up to a space, `>` or `/` (and for attributes `=` or `?`). */
  private name(attribute: boolean): string {
    const x = this.x;
    const from = this.i;
    for (; this.i < this.z; this.i++) {
      const c = x.charCodeAt(this.i);
      if (c === 62 || c === 47 || isSpace(c) || (attribute && (c === 61 || c === 63))) break;
    }
    return x.slice(from, this.i);
  }

  /** The document's root element as `{ [name]: value }`, after any prolog. */
  document(): XmlObject {
    const x = this.x;
    while (this.i < this.z) {
      this.skipSpace();
      if (this.i >= this.z) break;
      if (x.startsWith('<?', this.i)) this.skipPast('?>');
      else if (x.startsWith('<!--', this.i)) this.skipPast('-->');
      else if (x.slice(this.i, this.i + 9).toLowerCase() === '<!doctype') this.skipDoctype();
      else if (x[this.i] === '<') {
        const value = this.element(true);
        return { [this.tag]: value };
      } else this.fail('unexpected content');
    }
    this.fail('no root element');
  }

  private skipDoctype() {
    this.i += 9;
    let depth = 0;
    while (this.i < this.z) {
      const c = this.x[this.i++];
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth === 0) return;
    }
    this.fail('unclosed DOCTYPE');
  }

  /**
   * One element's value, its name left in `this.tag`. Below the root, an element carrying text
   * beside attributes or children becomes that text, as the SDK's getValueFromTextNode makes it.
   */
  private element(root: boolean): XmlValue {
    const x = this.x;
    this.i++;
    const tag = this.name(false);
    let attrs: [string, string][] | undefined;
    while (this.i < this.z) {
      this.skipSpace();
      if (x[this.i] === '>' || x[this.i] === '/') break;
      const name = this.name(true);
      this.skipSpace();
      if (x[this.i] !== '=') break;
      this.i++;
      this.skipSpace();
      const quote = x[this.i++]!;
      let end = x.indexOf(quote, this.i);
      if (end === -1) end = this.z;
      attrs ??= [];
      attrs.push([name, decode(x.slice(this.i, end))]);
      this.i = end + 1;
    }
    if (this.i >= this.z) this.fail('unexpected end of input');
    if (x[this.i] === '/') {
      if (x[this.i + 1] !== '>') this.fail('expected > at the end of self-closing tag');
      this.i += 2;
      this.tag = tag;
      return attrs ? this.withAttrs({}, attrs) : '';
    }
    if (x[this.i] !== '>') this.fail('expected > at the end of opening tag');
    this.i++;
    if (!attrs) {
      // Most elements are a name and its text: read them without the general loop.
      const end = x.indexOf('<', this.i);
      if (end !== -1 && x.charCodeAt(end + 1) === 47 && this.closes(tag, end + 2)) {
        const text = decode(x.slice(this.i, end));
        this.i = end + tag.length + 3;
        this.tag = tag;
        return isLayout(text) ? '' : text;
      }
    }
    const texts: string[] = [];
    let children: XmlObject | undefined;
    while (this.i < this.z) {
      if (x[this.i] === '<') {
        if (x[this.i + 1] === '/') break;
        if (x.startsWith('<!--', this.i)) this.skipPast('-->');
        else if (x.startsWith('<![CDATA[', this.i)) {
          this.i += 9;
          texts.push(this.skipPast(']]>'));
        } else if (x[this.i + 1] === '?') this.skipPast('?>');
        else {
          const value = this.element(false);
          children ??= {};
          const name = this.tag;
          if (!Object.hasOwn(children, name)) set(children, name, value);
          else {
            const had = children[name]!;
            if (Array.isArray(had)) had.push(value);
            else children[name] = [had, value];
          }
        }
      } else {
        let end = x.indexOf('<', this.i);
        if (end === -1) end = this.z;
        texts.push(decode(x.slice(this.i, end)));
        this.i = end;
      }
    }
    if (!x.startsWith('</', this.i)) this.fail(`missing closing tag </${tag}>`);
    this.i += 2;
    const close = this.skipPast('>').trim();
    if (close !== tag) this.fail(`mismatched tags <${tag}> and </${close}>`);
    this.tag = tag;
    if (!attrs && !children) {
      if (texts.length === 0) return '';
      const text = texts.length === 1 ? texts[0]! : texts.join('');
      return isLayout(text) ? '' : text;
    }
    let text: string | undefined;
    for (const t of texts) if (!isLayout(t)) text = text === undefined ? t : text + t;
    if (!root && text !== undefined) return text;
    const obj = children ?? {};
    if (text !== undefined) obj['#text'] = text;
    return attrs ? this.withAttrs(obj, attrs) : obj;
  }

  /** Whether `</tag>` (its `</` before `at`) closes `tag` right there. */
  private closes(tag: string, at: number): boolean {
    return this.x.startsWith(tag, at) && this.x.charCodeAt(at + tag.length) === 62;
  }

  private withAttrs(obj: XmlObject, attrs: [string, string][]): XmlObject {
    for (const [name, value] of attrs) set(obj, name, value);
    return obj;
  }
}

/**
 * The object the SDK's XmlShapeDeserializer reads from `xml`: its parseXML's tree under the
 * root element, with text nodes lifted (getValueFromTextNode).
 */
export function readXml(xml: string): XmlValue {
  if (xml.length === 0) return {};
  const normalized = xml.includes('\r') ? xml.replace(/\r\n?/g, '\n') : xml;
  let doc: XmlObject;
  try {
    doc = new Reader(normalized).document();
  } catch (err) {
    // As the SDK does: an unreadable answer keeps its text for the error's reader.
    if (err && typeof err === 'object') Object.defineProperty(err, '$responseBodyText', { value: xml });
    throw err;
  }
  const key = Object.keys(doc)[0]!;
  const root = doc[key]!;
  if (typeof root === 'object' && !Array.isArray(root) && root['#text']) {
    root[key] = root['#text'];
    delete root['#text'];
  }
  return root;
}

class Ec2XmlDeserializer extends XmlShapeDeserializer {
  protected override parseXml(xml: string): unknown {
    return readXml(xml);
  }
}

/** The SDK's EC2 query protocol, reading answers with `readXml`. */
export class Ec2Protocol extends AwsEc2QueryProtocol {
  constructor(options: ConstructorParameters<typeof AwsEc2QueryProtocol>[0]) {
    super(options);
    this.deserializer = new Ec2XmlDeserializer(this.deserializer.settings);
  }
}

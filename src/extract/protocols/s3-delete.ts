import { headerValues } from '../../core/headers.js';
import { quote } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import type { NormalizedRequest } from '../request.js';

/*
 * The body of S3 `DeleteObjects` (`POST /?delete`, S3 API reference "DeleteObjects"), as the AWS
 * SDKs write it:
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
 *     <Object><Key>logs/a.txt</Key><VersionId>3HL4kqtJlcpXroDTDmJ</VersionId></Object>
 *     <Quiet>true</Quiet>
 *   </Delete>
 *
 * The keys are what the call deletes, so they are read: one reading only. XML lets a document say
 * the same thing many ways, and parsers differ on the rarer ones (entities a DTD declares, CDATA,
 * comments inside a key, namespace prefixes, a carriage return that normalizes to a line feed, an
 * element given twice of which one parser keeps the first and another the last). This reader
 * accepts the subset an SDK writes and refuses everything else (BG437): an optional XML
 * declaration, the root `Delete` in S3's namespace or none, `Object` elements each with one `Key`
 * and at most one of `VersionId`, `ETag`, `LastModifiedTime`, `Size`, at most one `Quiet`,
 * whitespace between elements, text with the five predefined entities and character references.
 * Since it reads one way, the bytes read are the bytes forwarded (original.ts `canonicalAsSent`).
 */

/** S3's limit on the keys one `DeleteObjects` may name. */
export const MAX_DELETE_OBJECTS = 1000;

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** One object the request deletes, as its `Object` element names it. */
export interface DeletedObject {
  Key: string;
  VersionId?: string;
  ETag?: string;
  LastModifiedTime?: string;
  Size?: string;
}

export interface DeleteRequest {
  objects: DeletedObject[];
  quiet?: string;
}

const OBJECT_MEMBERS = new Set(['Key', 'VersionId', 'ETag', 'LastModifiedTime', 'Size']);

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function unreadable(message: string): never {
  return fail(EXTRACT_CODES.unreadableDeleteBody, `the s3 \`DeleteObjects\` body ${message}`);
}

/** The objects and `Quiet` flag of a `DeleteObjects` body, read the one way every XML parser reads it (rules above). */
export function readDeleteBody(request: NormalizedRequest): DeleteRequest {
  const codings = headerValues(request.headers, 'content-encoding')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '' && v !== 'identity');
  if (codings.length > 0) fail(EXTRACT_CODES.unsupportedContentType, 'the s3 `DeleteObjects` body has a content encoding: the keys it deletes cannot be read');
  let text: string;
  try {
    text = UTF8.decode(request.bytes);
  } catch {
    return unreadable('is not valid utf-8');
  }
  return new DeleteReader(text).document();
}

interface Element {
  name: string;
  children: Element[];
  /** The text of an element without children; null for one with children. */
  text: string | null;
}

const WS = /[ \t\n\r]*/y;
const DECLARATION = /<\?xml[ \t\n\r]+version[ \t\n\r]*=[ \t\n\r]*(["'])1\.0\1(?:[ \t\n\r]+encoding[ \t\n\r]*=[ \t\n\r]*(["'])utf-8\2)?(?:[ \t\n\r]+standalone[ \t\n\r]*=[ \t\n\r]*(["'])(?:yes|no)\3)?[ \t\n\r]*\?>/iy;
const START = /<([A-Za-z_][A-Za-z0-9_.-]*)((?:[ \t\n\r]+[^\s=/>]+[ \t\n\r]*=[ \t\n\r]*(?:"[^"<]*"|'[^'<]*'))*)[ \t\n\r]*(\/?)>/y;
const ATTRIBUTE = /[ \t\n\r]+([^\s=/>]+)[ \t\n\r]*=[ \t\n\r]*(?:"([^"<]*)"|'([^'<]*)')/g;
const TEXT = /[^<]*/y;
/** Characters XML 1.0 allows (`Char`), but for the carriage return, which parsers normalize differently. */
const NOT_CHAR = /[^\t\n\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const REFERENCE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));|&/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class DeleteReader {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): DeleteRequest {
    this.sticky(DECLARATION);
    this.sticky(WS);
    const root = this.element(0, true);
    this.sticky(WS);
    if (this.at !== this.text.length) this.refuseMarkup('has content after the `Delete` element');
    if (root.name !== 'Delete' || root.text !== null) unreadable('is not one `Delete` element of `Object` elements');
    const objects: DeletedObject[] = [];
    let quiet: string | undefined;
    for (const child of root.children) {
      if (child.name === 'Quiet') {
        if (quiet !== undefined) unreadable('gives `Quiet` twice: parsers differ on which one they keep');
        quiet = leaf(child);
        if (quiet !== 'true' && quiet !== 'false') unreadable(`has \`Quiet\` ${quote(quiet, 'key', 'of an unexpected form')}, not \`true\` or \`false\``);
      } else if (child.name === 'Object') {
        if (objects.length === MAX_DELETE_OBJECTS) unreadable(`names more than ${MAX_DELETE_OBJECTS} objects, the most s3 deletes in one call`);
        objects.push(deletedObject(child));
      } else {
        unreadable(`has an element ${quote(child.name, 'key', 'of another name')} s3 does not define in \`Delete\``);
      }
    }
    if (objects.length === 0) unreadable('names no object to delete');
    return quiet === undefined ? { objects } : { objects, quiet };
  }

  /** An element and its content; only the root (depth 0) may carry an attribute, `xmlns`, S3's own. */
  private element(depth: number, root = false): Element {
    START.lastIndex = this.at;
    const m = START.exec(this.text);
    if (m === null) return this.refuseMarkup('is not xml an sdk writes');
    this.at = START.lastIndex;
    const name = m[1]!;
    const attributes = [...m[2]!.matchAll(ATTRIBUTE)];
    if (attributes.length > 1) unreadable(`has several attributes on \`${name}\``);
    for (const [, attribute = '', double, single] of attributes) {
      const value = double ?? single ?? '';
      if (!root || attribute !== 'xmlns' || value !== S3_NAMESPACE) {
        unreadable(`has the attribute ${quote(attribute, 'key', 'of another name')} on \`${name}\`: only \`xmlns="${S3_NAMESPACE}"\` on \`Delete\` reads one way`);
      }
    }
    if (m[3] === '/') return { name, children: [], text: '' };
    // Delete > Object > Key: nothing deeper is defined.
    if (depth > 2) unreadable('nests elements deeper than `Delete`, `Object`, `Key`');
    const children: Element[] = [];
    let text = '';
    for (;;) {
      TEXT.lastIndex = this.at;
      const raw = TEXT.exec(this.text)![0];
      this.at = TEXT.lastIndex;
      text += characters(raw);
      if (this.text.startsWith('</', this.at)) break;
      if (this.at >= this.text.length) unreadable(`ends inside \`${name}\``);
      children.push(this.element(depth + 1));
    }
    const close = `</${name}`;
    if (!this.text.startsWith(close, this.at)) unreadable(`closes \`${name}\` with another element's end tag`);
    this.at += close.length;
    this.sticky(WS);
    if (this.text[this.at] !== '>') unreadable(`closes \`${name}\` with another element's end tag`);
    this.at++;
    if (children.length === 0) return { name, children, text };
    if (text.trim() !== '' || /\r/.test(text)) unreadable(`has text next to the elements in \`${name}\``);
    return { name, children, text: null };
  }

  private sticky(pattern: RegExp): void {
    pattern.lastIndex = this.at;
    if (pattern.test(this.text)) this.at = pattern.lastIndex;
  }

  /** Refuses what is not an element: a DTD, comment, CDATA section or processing instruction says what it is. */
  private refuseMarkup(otherwise: string): never {
    const rest = this.text.slice(this.at, this.at + 9);
    if (rest.startsWith('<!DOCTYPE') || rest.startsWith('<!ENTITY')) return unreadable('has a document type declaration: entities it declares are expanded by some parsers only');
    if (rest.startsWith('<!--')) return unreadable('has a comment');
    if (rest.startsWith('<![CDATA[')) return unreadable('has a cdata section');
    if (rest.startsWith('<?')) return unreadable('has a processing instruction or a second xml declaration');
    if (/^<[A-Za-z_][A-Za-z0-9_.-]*:/.test(rest)) return unreadable('uses a namespace prefix: only s3\'s default namespace reads one way');
    return unreadable(otherwise);
  }
}

/** Raw character data with its references resolved; anything a parser may read otherwise is refused. */
function characters(raw: string): string {
  if (raw === '') return raw;
  if (raw.includes('\r')) unreadable('has a carriage return, which xml parsers normalize to a line feed and others keep');
  if (raw.includes(']]>')) unreadable('has `]]>` in text, which xml forbids and lenient parsers keep');
  if (NOT_CHAR.test(raw)) unreadable('has a character xml does not allow');
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (_whole, named: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (named !== undefined) return PREDEFINED[named]!;
    if (decimal === undefined && hex === undefined) return unreadable('has an `&` that is not `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;` or a character reference: parsers differ on undeclared entities');
    const code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
    const char = code <= 0x10ffff ? String.fromCodePoint(code) : '';
    // A reference to a character xml does not allow (`&#0;`) is an error to some parsers only; `&#13;` is a carriage return kept as one.
    if (char === '' || (code !== 13 && NOT_CHAR.test(char)) || (code >= 0xd800 && code <= 0xdfff)) unreadable('has a character reference to a character xml does not allow');
    return char;
  });
}

/** The text of an element that must hold text only. */
function leaf(element: Element): string {
  if (element.text === null) return unreadable(`has elements inside \`${element.name}\`, which holds text`);
  return element.text;
}

function deletedObject(element: Element): DeletedObject {
  const members = new Map<string, string>();
  for (const child of element.children) {
    if (!OBJECT_MEMBERS.has(child.name)) unreadable(`has an element ${quote(child.name, 'key', 'of another name')} s3 does not define in \`Object\``);
    if (members.has(child.name)) unreadable(`gives \`${child.name}\` twice in one \`Object\`: parsers differ on which one they keep`);
    members.set(child.name, leaf(child));
  }
  const key = members.get('Key');
  if (key === undefined || key === '') unreadable('has an `Object` without a `Key`');
  const object: DeletedObject = { Key: key };
  for (const name of ['VersionId', 'ETag', 'LastModifiedTime', 'Size'] as const) {
    const value = members.get(name);
    if (value !== undefined) object[name] = value;
  }
  return object;
}

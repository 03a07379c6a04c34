/**
 * OPA's canonical JSON (bundle file hashing, `v1/bundle/hash.go`): object keys sorted byte-wise by
 * their UTF-8 encoding, no whitespace, numbers exactly as written, strings escaped the way Go's
 * encoding/json does with HTML escaping off. We use the same form for every digest we compute so a
 * digest means one thing everywhere.
 */

/** A number kept as its literal text, so `1.50` and `1E5` hash as OPA hashes them. */
export class JsonNumberLiteral {
  constructor(readonly text: string) {}
}

export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | JsonNumberLiteral
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

/** A JSON object (not an array, not a number literal), writable: what a JSON reader builds. */
export type CanonicalObject = { [key: string]: CanonicalValue };

export function isCanonicalObject(v: CanonicalValue | undefined): v is CanonicalObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumberLiteral);
}

export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null');
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical json: non-finite number ${value}`);
    out.push(JSON.stringify(value));
  } else if (typeof value === 'string') {
    out.push(goJsonString(value));
  } else if (value instanceof JsonNumberLiteral) {
    out.push(value.text);
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item: unknown, i) => {
      if (i > 0) out.push(',');
      write(item === undefined ? null : item, out);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => compareUtf8(a, b));
    out.push('{');
    entries.forEach(([k, v], i) => {
      if (i > 0) out.push(',');
      out.push(goJsonString(k), ':');
      write(v, out);
    });
    out.push('}');
  } else {
    throw new TypeError(`canonical json: unsupported value of type ${typeof value}`);
  }
}

/** Byte-wise UTF-8 order, which differs from JS's UTF-16 order for astral vs U+E000–U+FFFF. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x08: '\\b',
  0x0c: '\\f',
};

/** Go encoding/json string form with SetEscapeHTML(false). Lone surrogates become U+FFFD as Go does for invalid UTF-8. */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) {
      out += short;
    } else if (c < 0x20) {
      out += '\\u00' + c.toString(16).padStart(2, '0');
    } else if (c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else {
        out += '\ufffd';
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += s[i]!;
    }
  }
  return out + '"';
}

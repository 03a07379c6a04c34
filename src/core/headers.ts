/** Header values as a proxy or a recording holds them: names in any case, repeated headers as arrays. */
export type HttpHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Header name (lowercase) → every value it was sent with, in order. */
export type HeaderMap = ReadonlyMap<string, readonly string[]>;

export function normalizeHeaders(headers: HttpHeaders | undefined): HeaderMap {
  const out = new Map<string, string[]>();
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const list = out.get(key) ?? [];
    if (typeof value === 'string') list.push(value);
    else for (const v of value) if (typeof v === 'string') list.push(v);
    out.set(key, list);
  }
  return out;
}

/**
 * `normalizeHeaders` of Node's `headersDistinct` for the raw name/value list a server received
 * (`IncomingMessage.rawHeaders`), with `host` set to `host` (last when it was not sent), built in
 * one pass instead of the three that object, a copy of it and `normalizeHeaders` take per request.
 * Null when a name is an array index (`1: x`): an object lists those first, and this map would not.
 */
export function headerMapOfRaw(raw: readonly string[], host: string): HeaderMap | null {
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const first = name.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39) return null;
    const key = name.toLowerCase();
    const list = out.get(key);
    if (list === undefined) out.set(key, [raw[i + 1]!]);
    else list.push(raw[i + 1]!);
  }
  out.set('host', [host]);
  return out;
}

export function headerValues(headers: HeaderMap, name: string): readonly string[] {
  return headers.get(name.toLowerCase()) ?? NO_VALUES;
}

// The values of a header not sent: one frozen list for every such read, not a new one each time.
const NO_VALUES: readonly string[] = Object.freeze([]);

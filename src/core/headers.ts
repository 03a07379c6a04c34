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

export function headerValues(headers: HeaderMap, name: string): readonly string[] {
  return headers.get(name.toLowerCase()) ?? [];
}

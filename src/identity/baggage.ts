import type { HeaderMap } from '../core/headers.js';

/*
 * W3C Baggage (https://www.w3.org/TR/baggage/#definition):
 *
 *   baggage-string = list-member 0*179( OWS "," OWS list-member )
 *   list-member    = key OWS "=" OWS value *( OWS ";" OWS property )
 *   key            = token                  ; RFC 7230
 *   value          = *baggage-octet         ; percent-encoded
 */

// RFC 7230 token characters, the baggage key syntax.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * W3C baggage list-members, percent-decoded, first occurrence of a key winning. Members that do
 * not parse are skipped: baggage is an unauthenticated hint, and one bad member must not hide the rest.
 */
export function parseBaggage(headers: HeaderMap): Map<string, string> {
  const out = new Map<string, string>();
  // The map's keys are lowercase (`headerValues` without its lowercasing and its empty list).
  const given = headers.get('baggage');
  if (given === undefined) return out;
  for (const header of given) {
    for (const member of header.split(',')) {
      const [pair] = member.split(';');
      if (pair === undefined) continue;
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const key = pair.slice(0, eq).trim();
      const rawValue = pair.slice(eq + 1).trim();
      if (!TOKEN.test(key) || out.has(key)) continue;
      const value = percentDecode(rawValue);
      if (value === null) continue;
      out.set(key, value);
    }
  }
  return out;
}

function percentDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

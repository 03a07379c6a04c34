// The identity readers run on every proxied request, so they skip work a request without the
// header does not need (no lowercasing per call, no empty lists, sets or maps). These are the
// readers as they were before, kept as the reference: the two must agree on any headers.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { headerValues, type HeaderMap } from '../../src/core/headers.js';
import { ENVELOPE_CODES, EnvelopeError, MAX_ATTEMPT, envelopeFromHeaders, identityOf, parseAttempt, parseBaggage, parseTraceparent, type AttemptResult, type Identity, type IdentityKeys } from '../../src/identity/index.js';

function referenceBaggage(headers: HeaderMap): Map<string, string> {
  const out = new Map<string, string>();
  for (const header of headerValues(headers, 'baggage')) {
    for (const member of header.split(',')) {
      const [pair] = member.split(';');
      if (pair === undefined) continue;
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const key = pair.slice(0, eq).trim();
      const rawValue = pair.slice(eq + 1).trim();
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key) || out.has(key)) continue;
      let value: string;
      try {
        value = decodeURIComponent(rawValue);
      } catch {
        continue;
      }
      out.set(key, value);
    }
  }
  return out;
}

function referenceTraceparent(headers: HeaderMap): string | null {
  const values = headerValues(headers, 'traceparent');
  if (values.length !== 1) return null;
  const value = (values[0] ?? '').trim();
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(.*)$/s.exec(value);
  if (!m) return null;
  const [, version, traceId, parentId, flags, rest] = m as unknown as [string, string, string, string, string, string];
  if (version === 'ff') return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return null;
  if (version === '00') return rest === '' ? value : null;
  if (rest !== '' && !rest.startsWith('-')) return null;
  return `${version}-${traceId}-${parentId}-${flags}`;
}

function referenceIdentity(headers: HeaderMap, keys: IdentityKeys): Identity {
  const identity: Partial<Identity> = {};
  const baggage = referenceBaggage(headers);
  const originator = baggage.get(keys.originatorBaggageKey);
  const tenant = baggage.get(keys.tenantBaggageKey);
  if (originator) identity.originator = originator;
  if (tenant) identity.tenant = tenant;
  const causation = referenceTraceparent(headers);
  if (causation) identity.causation = causation;
  return { ...identity, verified: false };
}

function referenceEnvelope(headers: HeaderMap): string | null {
  const values = [...new Set(headerValues(headers, 'Txn-Token'.toLowerCase()).map((v) => v.trim()))];
  if (values.length > 1) return `refused ${values.length}`;
  const [value] = values;
  return value === undefined || value === '' ? null : value;
}

function referenceAttempt(headers: HeaderMap, header: string | null): AttemptResult {
  if (header === null) return { attempt: null };
  const values = [...new Set(headerValues(headers, header).map((v) => v.trim()))];
  if (values.length === 0) return { attempt: null };
  const [value] = values;
  if (values.length > 1 || value === undefined || !/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > MAX_ATTEMPT) {
    return { malformed: values.join(', ') };
  }
  return { attempt: Number(value) };
}

function envelopeOutcome(headers: HeaderMap): string | null {
  try {
    return envelopeFromHeaders(headers);
  } catch (e) {
    if (e instanceof EnvelopeError && e.code === ENVELOPE_CODES.conflicting) return `refused ${/given (\d+) different/.exec(e.message)?.[1] ?? '?'}`;
    throw e;
  }
}

const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const value = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', ' ', ' tok ', '1', ' 7 ', '01', '1000000000', '1000000001', '99999999999', '2 ', 'tok', TRACE, ` ${TRACE} `, `01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x`, 'originator=user%3Ajer, tenant=acme', 'tenant=%E0%A4%A,tenant=b;p=1', 'originator='),
  fc.array(fc.tuple(fc.constantFrom('originator', 'tenant', 'bad key', 'o'), fc.constantFrom('a', '%41', '%', '', 'user:x')), { maxLength: 3 }).map((ms) => ms.map(([k, v]) => `${k}=${v}`).join(',')),
);
/** A header map as `normalizeHeaders` builds it: lowercase names, one or more values each (or none). */
const headerMap = fc
  .array(fc.tuple(fc.constantFrom('txn-token', 'traceparent', 'baggage', 'x-attempt', 'x-other'), fc.array(value, { maxLength: 3 })), { maxLength: 4 })
  .map((entries) => new Map(entries) as HeaderMap);
const keys = fc.record({ originatorBaggageKey: fc.constantFrom('originator', 'tenant', 'o'), tenantBaggageKey: fc.constantFrom('tenant', 'originator') });

describe('identity header readers agree with their reference on any headers', () => {
  test('identityOf: same members, same order, same values', () => {
    fc.assert(
      fc.property(headerMap, keys, (headers, k) => {
        const got = identityOf(headers, k);
        const want = referenceIdentity(headers, k);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        expect(got).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });

  test('parseTraceparent and parseBaggage', () => {
    fc.assert(
      fc.property(headerMap, (headers) => {
        expect(parseTraceparent(headers)).toBe(referenceTraceparent(headers));
        expect([...parseBaggage(headers)]).toEqual([...referenceBaggage(headers)]);
      }),
      { numRuns: 2000 },
    );
  });

  test('envelopeFromHeaders: the same envelope, or the same refusal', () => {
    fc.assert(
      fc.property(headerMap, (headers) => {
        expect(envelopeOutcome(headers)).toBe(referenceEnvelope(headers));
      }),
      { numRuns: 2000 },
    );
  });

  test('parseAttempt: the same attempt, or the same malformed text, whatever case the header is named in', () => {
    fc.assert(
      fc.property(headerMap, fc.constantFrom(null, 'x-attempt', 'X-Attempt', 'X-ATTEMPT', 'x-other', 'Baggage'), (headers, header) => {
        expect(parseAttempt(headers, header)).toEqual(referenceAttempt(headers, header));
      }),
      { numRuns: 3000 },
    );
  });
});

import { describe, expect, test } from 'vitest';
import { normalizeHeaders } from '../../src/core/headers.js';
import { MAX_ATTEMPT, identityOf, parseAttempt, parseBaggage, parseTraceparent, withMessageIdentity } from '../../src/identity/index.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const KEYS = { originatorBaggageKey: 'originator', tenantBaggageKey: 'tenant' };

describe('identity from W3C trace context', () => {
  test('traceparent: version 00 exactly, higher versions cut to their fixed fields, invalid ones ignored', () => {
    const parse = (value: string | string[]) => parseTraceparent(normalizeHeaders({ traceparent: value }));
    expect(parse(TRACEPARENT)).toBe(TRACEPARENT);
    expect(parse(`${TRACEPARENT}-extra`)).toBeNull();
    expect(parse('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future')).toBe('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(parse('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeNull();
    expect(parse('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(parse(TRACEPARENT.toUpperCase())).toBeNull();
    expect(parse([TRACEPARENT, TRACEPARENT])).toBeNull();
  });

  test('baggage: first occurrence wins, values percent-decoded, bad members skipped', () => {
    const baggage = parseBaggage(normalizeHeaders({ baggage: ['originator=user%3Ajer;prop=1, bad key=x', 'originator=other,tenant=%E0%A4%A,tenant=acme'] }));
    expect([...baggage]).toEqual([
      ['originator', 'user:jer'],
      ['tenant', 'acme'],
    ]);
  });

  test('attempt: one decimal integer from 1 to the maximum, or malformed', () => {
    const attempt = (value: string | string[]) => parseAttempt(normalizeHeaders({ 'x-attempt': value }), 'x-attempt');
    expect(attempt(' 7 ')).toEqual({ attempt: 7 });
    expect(attempt(['3', '3'])).toEqual({ attempt: 3 });
    expect(attempt(String(MAX_ATTEMPT))).toEqual({ attempt: MAX_ATTEMPT });
    expect(attempt(String(MAX_ATTEMPT + 1))).toEqual({ malformed: String(MAX_ATTEMPT + 1) });
    expect(attempt(['1', '2'])).toEqual({ malformed: '1, 2' });
    expect(attempt('01')).toEqual({ malformed: '01' });
    expect(parseAttempt(normalizeHeaders({ 'x-attempt': '2' }), null)).toEqual({ attempt: null });
  });

  test('identity is a claim (verified false); a message fills in only what the headers leave out', () => {
    const fromHeaders = identityOf(normalizeHeaders({ baggage: 'tenant=from-header' }), KEYS);
    expect(fromHeaders).toEqual({ tenant: 'from-header', verified: false });
    const merged = withMessageIdentity(fromHeaders, { traceparent: TRACEPARENT, baggage: 'originator=user%3Ajer,tenant=from-meta' }, KEYS);
    expect(merged).toEqual({ originator: 'user:jer', tenant: 'from-header', causation: TRACEPARENT, verified: false });
    expect(Object.keys(merged)).toEqual(['originator', 'tenant', 'causation', 'verified']);
  });
});

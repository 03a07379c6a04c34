import { describe, expect, test } from 'vitest';
import { escape, excerpt, labelled, mask, mayEcho, quote } from '../../src/core/untrusted.js';

describe('the one rule for echoing caller text', () => {
  test('a value of the slot shape is quoted; anything else is described, never shown', () => {
    expect(quote('application/json', 'mediaType', 'of an unexpected form')).toBe('`application/json`');
    expect(quote('text/plain; x=`rm`', 'mediaType', 'of an unexpected form')).toBe('of an unexpected form');
    expect(quote('vol-prod', 'id', 'a value not shown')).toBe('`vol-prod`');
    expect(quote(null, 'id', 'the resource')).toBe('the resource');
    expect(labelled('member', 'query', 'key', 'a member')).toBe('member `query`');
    expect(labelled('member', 'params.name', 'key', 'a member')).toBe('a member');
    expect(quote('12', 'number', 'a non-numeric value')).toBe('`12`');
    expect(quote('abc', 'number', 'a non-numeric value')).toBe('a non-numeric value');
  });

  test('a credential is never echoed, whatever slot it lands in', () => {
    const token = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
    for (const shape of ['key', 'id', 'name'] as const) expect(mayEcho(token, shape)).toBe(false);
    // A long random run is what a key looks like, even in an id-shaped or media-type slot.
    expect(mayEcho('a'.repeat(40), 'id')).toBe(false);
    expect(mayEcho(`application/${'x'.repeat(40)}`, 'mediaType')).toBe(false);
    expect(mayEcho('x'.repeat(65), 'name')).toBe(false);
    expect(mayEcho('customDomainCreateForProject2', 'name')).toBe(true);
  });

  test('escape keeps a value on one line; excerpt masks what looks like a secret; mask shows four characters', () => {
    expect(escape('a\nb\u0000c')).toBe('a\\x0ab\\x00c');
    expect(escape('x'.repeat(201))).toBe(`${'x'.repeat(200)}…`);
    expect(excerpt('ghp_0123456789abcdefghijABCDEFGHIJ012345')).toBe('ghp_…');
    expect(excerpt('a `b`\nc')).toBe("a 'b' c");
    expect(excerpt({ a: 1 })).toBe('{"a":1}');
    expect(mask('  sk-live-secret-value ')).toBe('sk-l…');
  });
});

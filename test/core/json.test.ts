import { describe, expect, test } from 'vitest';
import { JsonDuplicateKeyError, firstDuplicateKey, parseJsonPreservingNumbers } from '../../src/core/json.js';
import { canonicalJson } from '../../src/core/canonical-json.js';

describe('the strict json reader', () => {
  test('bundles keep the last duplicate, as Go does', () => {
    expect(canonicalJson(parseJsonPreservingNumbers('{"a":1,"a":2}'))).toBe('{"a":2}');
  });

  test('requests reject duplicates: the first repeated member name, at any depth', () => {
    expect(() => parseJsonPreservingNumbers('{"a":1,"a":2}', { duplicates: 'reject' })).toThrow(JsonDuplicateKeyError);
    expect(firstDuplicateKey('{"a":{"b":1,"c":[{"d":1,"d":2}]},"a":3}')).toBe('d');
    expect(firstDuplicateKey('[{"a":1},{"a":2}]')).toBeNull();
    expect(firstDuplicateKey('{"a":"\\"a\\"","b":{"a":1}}')).toBeNull();
    // Go decodes lone surrogates to U+FFFD, so these are one name to a Go server.
    expect(firstDuplicateKey('{"\\ud800":1,"\\udc00":2}')).toBe('\ufffd');
  });

  test('text it cannot read is an error, not "no duplicate"', () => {
    expect(() => firstDuplicateKey('{"a":')).toThrow();
  });
});

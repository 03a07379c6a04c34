import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { digestInput, hashBundleFile, isStructuredFile, parseJsonPreservingNumbers } from '../../src/bundle/index.js';
import { isBlastguardError } from '../../src/core/errors.js';

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const canon = (path: string, s: string): string => Buffer.from(digestInput(path, enc(s))).toString('utf8');
const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

describe('opa-compat §3.4 vectors', () => {
  it('data.json', () => {
    const file = '{"b": 1, "a": [true, null, "x<y"], "c": 1.50}';
    expect(canon('data.json', file)).toBe('{"a":[true,null,"x<y"],"b":1,"c":1.50}');
    expect(hashBundleFile('data.json', enc(file))).toBe('67e9080994d3f1b961aa036754fdb75f63d49b7d240f578907d358b73ae8d7e1');
  });

  it('.manifest', () => {
    const file =
      '{"revision":"","roots":[""],"wasm":[{"entrypoint":"example/allow","module":"/policy.wasm"}],"rego_version":1}';
    expect(canon('.manifest', file)).toBe(
      '{"rego_version":1,"revision":"","roots":[""],"wasm":[{"entrypoint":"example/allow","module":"/policy.wasm"}]}',
    );
    expect(hashBundleFile('.manifest', enc(file))).toBe('c448b25bb3041ad45bb0cb710ec8b32e23535cd56acca00a66d038081ca82ccd');
  });

  it('empty object', () => {
    expect(hashBundleFile('data.json', enc('{}'))).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(hashBundleFile('data.json', enc(' {\n}\n'))).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});

describe('canonical hashing of structured files', () => {
  it('escapes like Go with HTML escaping off', () => {
    expect(canon('data.json', '{"s":"<>&/\\u007f\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f"}')).toBe(
      '{"s":"<>&/\u007f\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f"}',
    );
    expect(canon('data.json', '{"s":"\\/"}')).toBe('{"s":"/"}');
  });

  it('escapes U+2028 and U+2029 even when written raw', () => {
    expect(canon('data.json', '{"s":"a\u2028b\u2029c"}')).toBe('{"s":"a\\u2028b\\u2029c"}');
    expect(canon('data.json', '{"s":"\\u2028"}')).toBe('{"s":"\\u2028"}');
  });

  it('orders keys by UTF-8 bytes: U+E000 before an astral character', () => {
    // UTF-16 order would put the astral (surrogate 0xD83D) first; UTF-8 puts EE 80 80 before F0 9F.
    expect(canon('data.json', '{"\u{1F600}":1,"\uE000":2,"a":3,"\u00e9":4}')).toBe('{"a":3,"\u00e9":4,"\uE000":2,"\u{1F600}":1}');
  });

  it('keeps numbers as written', () => {
    expect(canon('data.json', '{"a":1.0,"b":1E5,"c":-0,"d":1e-7,"e":12345678901234567890123}')).toBe(
      '{"a":1.0,"b":1E5,"c":-0,"d":1e-7,"e":12345678901234567890123}',
    );
    expect(hashBundleFile('data.json', enc('{"a":1.0}'))).not.toBe(hashBundleFile('data.json', enc('{"a":1}')));
  });

  it('strips a UTF-8 BOM', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc('{"a":1}')]);
    expect(hashBundleFile('data.json', bom)).toBe(hashBundleFile('data.json', enc('{"a":1}')));
    expect(hashBundleFile('data.json', bom)).toBe(sha('{"a":1}'));
  });

  it('keeps the last of duplicate keys, as Go does', () => {
    expect(canon('data.json', '{"a":1,"b":2,"a":3}')).toBe('{"a":3,"b":2}');
    expect(canon('data.json', '{"__proto__":{"x":1},"a":{}}')).toBe('{"__proto__":{"x":1},"a":{}}');
  });

  it('turns lone surrogate escapes into U+FFFD', () => {
    expect(canon('data.json', '{"s":"\\ud800x","t":"\\ud83d\\ude00"}')).toBe('{"s":"\ufffdx","t":"\u{1F600}"}');
  });

  it('hashes non-structured files over raw bytes, by exact basename', () => {
    expect(isStructuredFile('data.json')).toBe(true);
    expect(isStructuredFile('a/b/data.json')).toBe(true);
    expect(isStructuredFile('.manifest')).toBe(true);
    expect(isStructuredFile('data.yml')).toBe(false);
    expect(isStructuredFile('x.manifest')).toBe(false);
    expect(isStructuredFile('policy.wasm')).toBe(false);
    expect(hashBundleFile('policy.wasm', enc('{"b":1, "a":2}'))).toBe(sha('{"b":1, "a":2}'));
    expect(hashBundleFile('data.yml', enc('a: 1'))).toBe(sha('a: 1'));
  });

  it('rejects invalid JSON in structured files with a code', () => {
    const codes = ['{"a":1} x', '{"a":01}', '{"a":.5}', "{'a':1}", '{"a":"\u0001"}', '{"a":1,}', '[1,]', '', '{"a":"\\x"}', '{"a":+1}'].map(
      (s) => {
        try {
          hashBundleFile('data.json', enc(s));
          return 'accepted';
        } catch (e) {
          return isBlastguardError(e) ? e.code : 'other';
        }
      },
    );
    expect(codes).toEqual(Array(10).fill('BG230'));
    try {
      hashBundleFile('data.json', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
      expect.unreachable();
    } catch (e) {
      expect(isBlastguardError(e) && e.code).toBe('BG231');
    }
    try {
      hashBundleFile('data.yaml', enc('a: 1'));
      expect.unreachable();
    } catch (e) {
      expect(isBlastguardError(e) && e.code).toBe('BG236');
    }
  });

  it('agrees with JSON.parse + canonicalJson on ordinary documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ noUnicodeString: false }), (v) => {
        const text = JSON.stringify(v);
        // Numbers are the one intended difference: JSON.stringify already wrote them as JS would.
        expect(canonicalJson(parseJsonPreservingNumbers(text))).toBe(canonicalJson(JSON.parse(text)));
      }),
      { numRuns: 300 },
    );
  });
});

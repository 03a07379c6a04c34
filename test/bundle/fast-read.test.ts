// The activation fast paths read and verify exactly what the strict paths do: the root data.json
// through JSON.parse (the literal-preserving tree only on demand), and a structured file whose
// bytes already are canonical JSON hashed as it is. Differential against the strict reader and
// OPA's canonical digest on random documents.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleFileDigest, bundleFiles, bundleFromEntries, hashBundleFile, parseStructuredFile, type BundleEntry } from '../../src/bundle/index.js';
import { canonicalJson as canonicalJsonForTest } from '../../src/core/canonical-json.js';
import { toPlain } from '../../src/bundle/manifest.js';
import { loadSigningKey, signBundleFiles } from '../../src/sign/index.js';
import { loadVerificationKey, singleKeyConfig, verifyBundle } from '../../src/verify/index.js';
import { codeOf, syntheticContent, testKeys } from './fixtures.js';

const MANIFEST = { path: '.manifest', bytes: Buffer.from('{"revision":"r"}') };

function read(text: string | Uint8Array): ReturnType<typeof bundleFromEntries> {
  return bundleFromEntries([{ path: 'data.json', bytes: typeof text === 'string' ? Buffer.from(text) : text }, MANIFEST]);
}

/** What the strict reader gives (the reference). */
function strict(text: string): unknown {
  return toPlain(parseStructuredFile('data.json', Buffer.from(text)));
}

describe('the root data.json fast path', () => {
  it('gives the strict reader\'s data on random documents (and the tree on demand)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.boolean(), (doc, pretty) => {
        const text = JSON.stringify(doc, null, pretty ? 2 : undefined);
        const bundle = read(text);
        expect(bundle.data).toEqual(strict(text));
        expect(toPlain(bundle.dataTree)).toEqual(strict(text));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['numbers as written', '{"a": 1.50, "b": 1E5, "c": -0, "d": 1e400, "e": 12345678901234567890}'],
    ['a duplicate key keeps the last value', '{"a": 1, "a": 2}'],
    ['`__proto__` is an own key', '{"__proto__": {"x": 1}, "y": {"__proto__": 2}}'],
    ['a BOM', '\ufeff{"a": 1}'],
    ['escapes', '{"a": "\\u00e9\\n\\/\\"", "\\u0062": true}'],
    ['a lone surrogate escape (U+FFFD, as Go)', '{"a": "\\ud800x", "b": "\\udc00", "c": "\\ud83d\\ude00"}'],
  ])('%s', (_, text) => {
    const bundle = read(text);
    expect(bundle.data).toEqual(strict(text.replace(/^\ufeff/, '')));
    expect(Object.keys(bundle.data as object)).toEqual(Object.keys(strict(text.replace(/^\ufeff/, '')) as object));
  });

  it('hands the engine the file bytes only when they are the bundle\'s one root data file', () => {
    expect(new TextDecoder().decode(read('\ufeff{"a": 1}').dataJson!)).toBe('{"a": 1}');
    expect(read('{"a": "\\ud800"}').dataJson).toBeNull();
    const nested = bundleFromEntries([{ path: 'data.json', bytes: Buffer.from('{"a": 1}') }, { path: 'b/data.json', bytes: Buffer.from('{"c": 2}') }, MANIFEST]);
    expect(nested.dataJson).toBeNull();
    expect(nested.data).toEqual({ a: 1, b: { c: 2 } });
  });

  it('refuses what the strict reader refuses, with its codes', async () => {
    expect(await codeOf(() => read('{"a": 1} x'))).toBe('BG230');
    expect(await codeOf(() => read('[1]'))).toBe('BG237');
    expect(await codeOf(() => read(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe('BG231');
    expect(await codeOf(() => read('{"a": "\u0001"}'))).toBe('BG230');
  });
});

describe('the canonical-bytes digest fast path', () => {
  const keys = testKeys('ES256', 'fast-read');
  const config = singleKeyConfig(loadVerificationKey(keys.verification, 'ES256'));
  const sign = async (files: BundleEntry[]): Promise<BundleEntry[]> => [...files, { path: '.signatures.json', bytes: await signBundleFiles(files, { key: loadSigningKey(keys.signing, 'ES256') }) }];
  const withData = (files: BundleEntry[], bytes: Uint8Array): BundleEntry[] => files.map((f) => (f.path === 'data.json' ? { path: f.path, bytes } : f));
  const verdict = async (entries: BundleEntry[]): Promise<string> => {
    try {
      await verifyBundle(bundleFromEntries(entries), config);
      return 'ok';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };

  it('accepts canonical bytes, with or without a BOM and whitespace, and any formatting of the same data', async () => {
    const files = bundleFiles(syntheticContent());
    const signed = await sign(files);
    const data = files[0]!.bytes;
    const text = new TextDecoder().decode(data);
    expect(await verdict(signed)).toBe('ok');
    expect(await verdict(withData(signed, Buffer.concat([Buffer.from('\ufeff'), Buffer.from(' \n'), data, Buffer.from('\r\n\t ')])))).toBe('ok');
    expect(await verdict(withData(signed, Buffer.from(JSON.stringify(JSON.parse(text), null, 2))))).toBe('ok');
  });

  it('refuses changed data whatever its formatting', async () => {
    const signed = await sign(bundleFiles(syntheticContent()));
    const data = syntheticContent().data as { blastguard: object };
    const changed = canonicalJsonForTest({ blastguard: { ...data.blastguard, extra: 1 } });
    expect(await verdict(withData(signed, Buffer.from(changed)))).toBe('BG313');
    expect(await verdict(withData(signed, Buffer.from(changed + '\n')))).toBe('BG313');
  });

  it('gives OPA\'s digest for random documents: canonical bytes hash as they are, other formatting through canonicalisation', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (doc) => {
        const canonical = Buffer.from(canonicalJsonForTest(doc) + '\n');
        const pretty = Buffer.from(JSON.stringify(doc, null, 1));
        const expected = hashBundleFile('data.json', canonical);
        expect(hashBundleFile('data.json', pretty)).toBe(expected);
        expect(bundleFileDigest('data.json', canonical, 'SHA-256', expected)).toBe(expected);
        expect(bundleFileDigest('data.json', pretty, 'SHA-256', expected.toUpperCase())).toBe(expected);
        // A wrong expectation gets OPA's digest back, never the raw one.
        expect(bundleFileDigest('data.json', pretty, 'SHA-256', '00')).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});

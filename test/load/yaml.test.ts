import { describe, expect, it } from 'vitest';
import { loadDocumentsFromText } from '../../src/load/index.js';
import { MAX_NESTING_DEPTH } from '../../src/load/yaml.js';
import { where } from '../helpers/diagnostics.js';
import { yaml } from '../helpers/fs.js';
import { API_RAILWAY } from '../helpers/policies.js';

const load = (text: string) => loadDocumentsFromText('p.yaml', text);

describe('yaml parsing', () => {
  it('loads a valid document with its name, kind, file and index', () => {
    const { documents, diagnostics } = load(API_RAILWAY);
    expect(diagnostics).toEqual([]);
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ kind: 'Api', name: 'railway', file: 'p.yaml', index: 0 });
  });

  it('reports a tab used for indentation', () => {
    const { diagnostics } = load('a:\n\tb: 1\n');
    expect(where(diagnostics)).toEqual(['BG010@2:1']);
  });

  it('reports a duplicate key at the repeated key', () => {
    const { diagnostics, documents } = load(yaml('apiVersion: blastguard.dev/v1', 'kind: Api', 'kind: Policy'));
    expect(where(diagnostics)).toEqual(['BG009@3:1']);
    expect(diagnostics[0]?.message).toContain('`kind`');
    expect(documents).toEqual([]);
  });

  it('reports an unterminated string at its opening quote', () => {
    const { diagnostics } = load('a: "foo\nb: 2\n');
    expect(where(diagnostics)).toEqual(['BG008@1:4']);
    expect(diagnostics[0]?.message).toBe('yaml syntax error: this double-quoted string is not closed');
  });

  it('reports an unclosed flow mapping or list at its opening bracket, not on the next line', () => {
    const map = load(yaml('apiVersion: blastguard.dev/v1', 'kind: Token', 'metadata: { name: t-two', 'spec:', '  api: railway'));
    expect(where(map.diagnostics)).toEqual(['BG008@3:11']);
    expect(map.diagnostics[0]?.message).toBe('yaml syntax error: this flow mapping is not closed with `}`');
    expect(where(load('metadata: { name: t-two\n').diagnostics)).toEqual(['BG008@1:11']);
    expect(where(load('a: [1, 2\nb: 3\n').diagnostics)).toEqual(['BG008@1:4']);
    expect(where(load('{ a: 1\n').diagnostics)).toEqual(['BG008@1:1']);
  });

  it('reports an unterminated flow sequence', () => {
    const { diagnostics } = load('a: [1, 2\n');
    expect(diagnostics.map((d) => d.code)).toContain('BG008');
  });

  it('accepts a byte order mark and CRLF line endings with correct positions', () => {
    const text = `\uFEFF${API_RAILWAY.replace('protocol: graphql', 'protocol: grpc').replace(/\n/g, '\r\n')}`;
    const { diagnostics } = load(text);
    expect(where(diagnostics)).toEqual(['BG023@5:13']);
  });

  it('stops alias bombs', () => {
    const text = yaml(
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    );
    const { diagnostics } = load(text);
    expect(diagnostics.map((d) => d.code)).toEqual(['BG011']);
    expect(diagnostics[0]?.line).toBe(2);
  });

  it('reports an alias to an undefined anchor', () => {
    const { diagnostics } = load('a: *nope\n');
    expect(where(diagnostics)).toEqual(['BG008@1:4']);
  });

  it('rejects collection keys', () => {
    const { diagnostics } = load('? [a, b]\n: 1\n');
    expect(where(diagnostics)).toEqual(['BG018@1:3']);
  });

  it('warns about unresolved tags and still loads the document', () => {
    const { diagnostics, documents } = load(API_RAILWAY.replace('protocol: graphql', 'protocol: !custom graphql'));
    expect(where(diagnostics)).toEqual(['BG017@5:13']);
    expect(documents).toHaveLength(1);
  });

  it('warns about a file with no documents, ignores empty documents between separators', () => {
    expect(where(load('# nothing here\n').diagnostics)).toEqual(['BG016@1:1']);
    expect(where(load('').diagnostics)).toEqual(['BG016@1:1']);
    const multi = load(`---\n${API_RAILWAY}---\n---\n${API_RAILWAY.replace('name: railway', 'name: other')}---\n`);
    expect(multi.diagnostics).toEqual([]);
    expect(multi.documents.map((d) => `${d.name}#${d.index}`)).toEqual(['railway#0', 'other#2']);
  });

  it('reports nesting too deep to parse instead of throwing', () => {
    const deep = `${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    const { diagnostics } = load(deep);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.code.startsWith('BG0'))).toBe(true);
  });

  it('reports deep nesting as nesting (BG061) where the limit is crossed, never as aliases', () => {
    for (const n of [MAX_NESTING_DEPTH + 1, 1000, 20000]) {
      const flowSeq = load(`a: ${'['.repeat(n)}${']'.repeat(n)}\n`).diagnostics;
      expect(where(flowSeq)).toEqual([`BG061@1:${4 + MAX_NESTING_DEPTH - 1}`]);
      expect(flowSeq[0]?.message).toBe(`yaml nesting too deep: more than ${MAX_NESTING_DEPTH} levels of lists and mappings`);
      expect(flowSeq[0]?.message).not.toMatch(/alias/);
      const flowMap = load(`a: ${'{b: '.repeat(n)}1${'}'.repeat(n)}\n`).diagnostics;
      expect(where(flowMap)).toEqual([`BG061@1:${4 + 4 * (MAX_NESTING_DEPTH - 1)}`]);
      const block = load(`${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`).diagnostics;
      expect(where(block)).toEqual([`BG061@${MAX_NESTING_DEPTH + 1}:${MAX_NESTING_DEPTH + 1}`]);
    }
  });

  it('loads nesting up to the limit, and keeps the other documents of a file with a too-deep one', () => {
    const ok = MAX_NESTING_DEPTH - 1;
    expect(where(load(`a: ${'['.repeat(ok)}${']'.repeat(ok)}\n`).diagnostics)).toEqual(['BG015@1:1', 'BG013@1:1']);
    const deep = `a: ${'['.repeat(500)}${']'.repeat(500)}\n`;
    const { diagnostics, documents } = load(`${deep}---\n${API_RAILWAY}`);
    expect(where(diagnostics)).toEqual([`BG061@1:${4 + MAX_NESTING_DEPTH - 1}`]);
    expect(documents.map((d) => `${d.name}#${d.index}`)).toEqual(['railway#1']);
  });

  it('reports nesting that only aliases make too deep at the first alias', () => {
    const half = Math.ceil(MAX_NESTING_DEPTH / 2) + 1;
    const text = yaml(`a: &a ${'['.repeat(half)}${']'.repeat(half)}`, `b: ${'['.repeat(half)}*a${']'.repeat(half)}`);
    const { diagnostics } = load(text);
    expect(where(diagnostics)).toEqual([`BG061@2:${4 + half}`]);
    expect(diagnostics[0]?.message).toContain('once its aliases are expanded');
  });
});

describe('document envelope', () => {
  it('rejects documents that are not mappings', () => {
    expect(where(load('- a\n- b\n').diagnostics)).toEqual(['BG012@1:1']);
    expect(where(load('just text\n').diagnostics)).toEqual(['BG012@1:1']);
    expect(where(load(`${API_RAILWAY}---\n42\n`).diagnostics)).toEqual(['BG012@16:1']);
  });

  it('reports a missing kind at the document', () => {
    const { diagnostics } = load(yaml('apiVersion: blastguard.dev/v1', 'metadata: { name: x }'));
    expect(where(diagnostics)).toEqual(['BG013@1:1']);
  });

  it('reports an empty kind at its key', () => {
    const { diagnostics } = load(yaml('apiVersion: blastguard.dev/v1', 'kind:', 'metadata: { name: x }'));
    expect(where(diagnostics)).toEqual(['BG013@2:1']);
  });

  it('reports an unknown kind with a suggestion', () => {
    const { diagnostics } = load(yaml('apiVersion: blastguard.dev/v1', 'kind: policy'));
    expect(where(diagnostics)).toEqual(['BG014@2:7']);
    expect(diagnostics[0]?.help).toBe('did you mean `Policy`?');
  });

  it('reports a wrong apiVersion with the right one in help, once', () => {
    const { diagnostics } = load(API_RAILWAY.replace('blastguard.dev/v1', 'blastguard.dev/v1beta1'));
    expect(where(diagnostics)).toEqual(['BG015@1:13']);
    expect(diagnostics[0]?.help).toBe('use `apiVersion: blastguard.dev/v1`');
  });

  it('reports a missing apiVersion once, at the kind', () => {
    const { diagnostics } = load(API_RAILWAY.replace('apiVersion: blastguard.dev/v1\n', ''));
    expect(where(diagnostics)).toEqual(['BG015@1:1']);
  });
});

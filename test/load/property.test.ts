import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDocument, emptyPolicySet, loadDocumentsFromText } from '../../src/load/index.js';
import { decodeUtf8 } from '../../src/load/text.js';
import { validatePolicySet } from '../../src/validate/index.js';
import { formatDiagnostics } from '../../src/diagnostics/format.js';
import { CODES } from '../../src/diagnostics/codes.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function examples(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (/\.ya?ml$/.test(entry.name)) out.push(readFileSync(abs, 'utf8'));
    }
  };
  walk(path.join(REPO, 'policies'));
  return out;
}

// Load, validate and render: the whole path a user's file takes through `validate`.
function exercise(text: string): void {
  const { documents, diagnostics } = loadDocumentsFromText('x.yaml', text);
  const set = emptyPolicySet('.');
  for (const d of documents) addDocument(set, d);
  const all = [...diagnostics, ...validatePolicySet(set, { now: new Date('2026-06-01T00:00:00Z') })];
  for (const d of all) {
    expect(CODES[d.code]).toBeDefined();
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message).not.toContain('\n');
  }
  formatDiagnostics(all, 'human', { readSource: () => text });
  formatDiagnostics(all, 'github');
}

const EXAMPLES = examples();

// Mutations that keep most of a document intact so that deeper layers (schema, rules) are reached.
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 12 }) }),
  fc.record({
    kind: fc.constant('token' as const),
    at: fc.nat(),
    text: fc.constantFrom(': ', '- ', '\n', '\t', '"', "'", '[', ']', '{', '}', '&a ', '*a', '!tag ', '---\n', '#', '?', '|', 'null', '~', '<<: ', 'sha256:', '0x1F', '1e999', 'class:', '*'),
  }),
);

function mutate(text: string, mutations: fc.Arbitrary<unknown>[] | unknown[]): string {
  let out = text;
  for (const m of mutations as { kind: string; at: number; len?: number; text?: string }[]) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + (m.len ?? 1));
    else out = out.slice(0, at) + (m.text ?? '') + out.slice(at);
  }
  return out;
}

describe('the loader never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => exercise(s)), { numRuns: 300 });
  });

  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const decoded = decodeUtf8(bytes);
        if (decoded.ok) exercise(decoded.text);
        else expect(decoded.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('on mutated example policies', () => {
    expect(EXAMPLES.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.constantFrom(...EXAMPLES), fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, ms) => {
        exercise(mutate(text, ms));
      }),
      { numRuns: 100 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatDiagnostics } from '../../src/diagnostics/format.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';

const SOURCE = ['spec:', '  rules:', '    - id: r1', '      match: { opertions: [volumeDelete] }', ''].join('\n');

const unknownProp: Diagnostic = {
  code: 'BG021',
  severity: 'error',
  message: 'unknown property `opertions` in `spec.rules[0].match`',
  help: 'did you mean `operations`?',
  file: 'policies/p.yaml',
  line: 4,
  column: 16,
  endLine: 4,
  endColumn: 25,
};
const warning: Diagnostic = {
  code: 'BG044',
  severity: 'warning',
  message: 'operation `volumeDelet` is not in api `railway`',
  file: 'policies/p.yaml',
  line: 3,
  column: 7,
  endLine: 3,
  endColumn: 9,
};
const readSource = (file: string) => (file === 'policies/p.yaml' ? SOURCE : undefined);

describe('human format', () => {
  it('masks a credential after an auth scheme and a raw token in a fingerprint in code frames', () => {
    const source = ['      reason: "Bearer 9b2f6c1e-4d7a-4b8e-a1f3-6c2d9e8f7a10"', '  fingerprint: 9b2f6c1e-4d7a-4b8e-a1f3-6c2d9e8f7a10', ''].join('\n');
    const at = (line: number): Diagnostic => ({ code: 'BG056', severity: 'error', message: 'm', file: 'f.yaml', line, column: 3, endLine: line, endColumn: 5 });
    const out = formatDiagnostics([at(1), at(2)], 'human', { readSource: () => source });
    expect(out).not.toContain('4d7a');
    expect(out).toContain('  1 |       reason: "Bearer 9b2f********************************"');
    expect(out).toContain('  2 |   fingerprint: 9b2f********************************');
  });

  it('never shows a code frame for a file whose content was not read (a refused link, an unreadable file)', () => {
    for (const code of ['BG004', 'BG005', 'BG006', 'BG019']) {
      const d: Diagnostic = { code, severity: 'error', message: 'm', file: 'policies/env.yaml', line: 1, column: 1, endLine: 1, endColumn: 1 };
      const out = formatDiagnostics([d], 'human', { readSource: () => 'MY_SECRET=x\n' });
      expect(out).toBe(`policies/env.yaml:1:1: error ${code} m\n\n1 error, 0 warnings\n`);
    }
  });

  it('prints location, severity, code, message, a code frame and help, then a summary', () => {
    expect(formatDiagnostics([unknownProp, warning], 'human', { readSource })).toBe(
      [
        'policies/p.yaml:4:16: error BG021 unknown property `opertions` in `spec.rules[0].match`',
        '  4 |       match: { opertions: [volumeDelete] }',
        '    |                ^^^^^^^^^',
        '  help: did you mean `operations`?',
        '',
        'policies/p.yaml:3:7: warning BG044 operation `volumeDelet` is not in api `railway`',
        '  3 |     - id: r1',
        '    |       ^^',
        '',
        '1 error, 1 warning',
        '',
      ].join('\n'),
    );
  });

  it('prints no frame when the source is unavailable, and nothing at all for no diagnostics', () => {
    expect(formatDiagnostics([{ ...unknownProp, help: undefined }], 'human')).toBe(
      'policies/p.yaml:4:16: error BG021 unknown property `opertions` in `spec.rules[0].match`\n\n1 error, 0 warnings\n',
    );
    expect(formatDiagnostics([], 'human')).toBe('');
  });

  it('underlines a multi-line span to the end of its first line', () => {
    const d = { ...warning, line: 2, column: 3, endLine: 4, endColumn: 5 };
    expect(formatDiagnostics([d], 'human', { readSource })).toContain('  2 |   rules:\n    |   ^^^^^^\n');
  });

  it('colours severity when asked', () => {
    const out = formatDiagnostics([unknownProp], 'human', { color: true, readSource });
    expect(out).toContain('\u001b[1;31merror BG021\u001b[0m');
  });

  it('masks credentials in code frames, keeping columns', () => {
    const secret = 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z';
    const line = `  purpose: ${secret}`;
    const d = { ...unknownProp, line: 1, column: 12, endLine: 1, endColumn: 12 + secret.length };
    const out = formatDiagnostics([d], 'human', { readSource: () => line });
    expect(out).not.toContain(secret);
    expect(out).toContain(`  1 |   purpose: ghp_${'*'.repeat(secret.length - 4)}\n    |            ${'^'.repeat(secret.length)}\n`);
  });

  it('windows long lines around the span, keeping carets aligned', () => {
    const line = `${'a'.repeat(300)}TARGET${'b'.repeat(300)}`;
    const d = { ...unknownProp, line: 1, column: 301, endLine: 1, endColumn: 307 };
    const frame = formatDiagnostics([d], 'human', { readSource: () => line }).split('\n');
    const text = frame[1] ?? '';
    const carets = frame[2] ?? '';
    expect(text.length).toBeLessThan(140);
    expect(text.indexOf('TARGET')).toBe(carets.indexOf('^'));
    expect(carets.replace(/^\s*\|\s*/, '')).toBe('^^^^^^');
  });

  it('shows tabs as single spaces so carets line up', () => {
    const d = { ...unknownProp, line: 1, column: 3, endLine: 1, endColumn: 4 };
    const out = formatDiagnostics([d], 'human', { readSource: () => '\t\tx: 1' });
    expect(out).toContain('  1 |   x: 1\n    |   ^\n');
  });

  it('caps the number shown and counts the rest', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ ...unknownProp, line: i + 1 }));
    const out = formatDiagnostics(many, 'human', { maxErrors: 2 });
    expect(out.match(/error BG021/g)).toHaveLength(2);
    expect(out).toContain('3 more problems not shown (raise --max-errors to see them)\n');
    expect(out.endsWith('5 errors, 0 warnings\n')).toBe(true);
  });
});

describe('json format', () => {
  it('is a stable object with counts and truncation', () => {
    const out = JSON.parse(formatDiagnostics([warning, unknownProp], 'json', { maxErrors: 1 })) as Record<string, unknown>;
    expect(out).toEqual({ diagnostics: [warning], errorCount: 1, warningCount: 1, truncated: true });
    expect(Object.keys((out.diagnostics as object[])[0] ?? {})).toEqual([
      'code', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn',
    ]);
    expect(JSON.parse(formatDiagnostics([], 'json'))).toEqual({ diagnostics: [], errorCount: 0, warningCount: 0, truncated: false });
  });
});

describe('github format', () => {
  it('emits workflow commands with escaped properties and data', () => {
    const d = { ...unknownProp, file: 'a,b:c.yaml', message: '100% wrong\nreally' };
    expect(formatDiagnostics([d, warning], 'github')).toBe(
      [
        '::error file=a%2Cb%3Ac.yaml,line=4,col=16,endLine=4,endColumn=25,title=BG021::100%25 wrong%0Areally%0Ahelp: did you mean `operations`?',
        '::warning file=policies/p.yaml,line=3,col=7,endLine=3,endColumn=9,title=BG044::operation `volumeDelet` is not in api `railway`',
        '1 error, 1 warning',
        '',
      ].join('\n'),
    );
  });

  it('escapes like @actions/core', () => {
    expect(escapeData('a%b\r\nc:d,e')).toBe('a%25b%0D%0Ac:d,e');
    expect(escapeProperty('a%b\r\nc:d,e')).toBe('a%25b%0D%0Ac%3Ad%2Ce');
  });
});

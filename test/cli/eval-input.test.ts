import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCode, runCli, workspace } from '../bundle/cli.js';

/** `eval` hands the module the input bytes exactly as a host (the Go host, our enforcer) does. */
const INPUT = (attempt: string): string =>
  '{"api":"railway","operation":{"name":"volumeDelete","type":"mutation"},' +
  '"resource":{"kind":"volume","id":"vol_1","environment":"production","project":"pocketos"},' +
  '"token":{"fingerprint":"sha256:a31461b13ff7c184b6334d1d7bf0f2ff2cc2275628460cfa7f8fefabd386ed6e"},' +
  `"time":"2026-04-25T21:14:03Z","attempt":${attempt}}`;

const LATIN1 = Buffer.concat([Buffer.from('{"api":"rail'), Buffer.from([0xff]), Buffer.from('way"}')]);

let dir: string;

beforeAll(async () => {
  dir = await workspace();
  await writeFile(path.join(dir, 'int.json'), INPUT('1'));
  await writeFile(path.join(dir, 'float.json'), INPUT('1.0'));
  await writeFile(path.join(dir, 'latin1.json'), LATIN1);
  await writeFile(path.join(dir, 'surrogate.json'), '{"api":"\\ud800"}');
  expect((await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r'], { cwd: dir })).code).toBe(0);
});

interface DecisionOut {
  rule: string;
  mode: string;
  reasons: string[];
}

describe('eval input bytes', () => {
  it.each([[[]], [['--bundle', 'b.tar.gz']]])('passes numbers as written: `"attempt": 1.0` is invalid input to the module (%s)', async (source) => {
    const int = await runCli(['eval', ...source, '--input', 'int.json'], { cwd: dir });
    expect(int.code).toBe(0);
    expect((JSON.parse(int.stdout) as DecisionOut).rule).not.toBe('input:invalid');
    const float = await runCli(['eval', ...source, '--input', 'float.json'], { cwd: dir });
    expect(float.code).toBe(0);
    const decision = JSON.parse(float.stdout) as DecisionOut;
    expect(decision).toMatchObject({ rule: 'input:invalid', mode: 'deny' });
    expect(decision.reasons.join(' ')).toContain('attempt');
  });

  it('feeds standard input as bytes too', async () => {
    const r = await runCli(['eval', '--input', '-'], { cwd: dir, stdinBytes: Buffer.from(INPUT('1.0')) });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as DecisionOut).rule).toBe('input:invalid');
  });

  it('refuses invalid utf-8 (BG274) instead of replacing it', async () => {
    const r = await runCli(['eval', '--input', 'latin1.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('BG274');
    expect(r.stderr).toMatch(/\n {2}help: \S/);
    expect(r.stdout).toBe('');
    const stdin = await runCli(['eval', '--input', '-'], { cwd: dir, stdinBytes: LATIN1 });
    expect(errorCode(stdin)).toBe('BG274');
  });

  it('reports a policy abort as BG121, exit 1, and says an enforcer denies', async () => {
    const r = await runCli(['eval', '--input', 'surrogate.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('BG121');
    expect(r.stderr).toMatch(/\n {2}help: .*deny/);
    expect(r.stdout).toBe('');
  });
});

describe('eval: a json syntax error is located at line:column', () => {
  it('points at the line and column, with a code frame, for a file', async () => {
    await writeFile(path.join(dir, 'syntax.json'), '{\n  "api": "railway",\n  "time" "2026-04-25T21:14:03Z"\n}\n');
    const r = await runCli(['eval', '--input', 'syntax.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('BG271');
    expect(r.stderr).toMatch(/^syntax\.json:3:10: error BG271 /m);
    expect(r.stderr).toMatch(/^ {2}3 \| {3}"time" "2026/m);
    expect(r.stderr).toMatch(/^ {4}\| {10}\^$/m);
    expect(r.stderr).not.toMatch(/position \d+/);
  });

  it('names standard input, and reports the end of a truncated document', async () => {
    const r = await runCli(['eval', '--input', '-'], { cwd: dir, stdin: '{"api":\n' });
    expect(errorCode(r)).toBe('BG271');
    expect(r.stderr).toMatch(/^<stdin>:2:1: error BG271 /m);
  });

  it('gives machine formats the location too', async () => {
    const r = await runCli(['eval', '--input', 'syntax.json', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; line: number; column: number }[] };
    expect(body.diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([['BG271', 'syntax.json', 3, 10]]);
  });
});

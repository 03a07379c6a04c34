// Reading decision logs: JSON lines, gzip JSON arrays, arrays cut across chunks, any OPA's events,
// and bad lines as located, coded warnings (never a stack trace).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSIGHT_CODES, readLogs, type LoggedDecision, type LogSource, type LogWarning } from '../../src/insight/index.js';
import { runCli } from '../helpers/cli.js';

function event(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    labels: { id: 'e1' },
    decision_id: `id-${i}`,
    bundles: { blastguard: { revision: 'r1' } },
    path: 'blastguard/decision',
    input: { api: 'railway', operation: { name: 'volumeDelete' }, token: { fingerprint: `sha256:${'a'.repeat(64)}` }, identity: { originator: 'bob', tenant: null }, resource: { id: `vol-${i}` }, time: '2026-11-23T00:00:00Z' },
    result: { allow: true, mode: 'shadow', enforced: false, would_deny: true, rule: 'p/r', reasons: [], violations: [{ kind: 'rule', rule: 'p/r', mode: 'shadow' }], environment: 'staging', environment_assumed: false, class: 'destructive', enforcement: null },
    timestamp: new Date(Date.parse('2026-11-23T00:00:00Z') + i * 1000).toISOString(),
    metrics: {},
    ...extra,
  };
}

function chunked(text: string | Uint8Array, sizes: readonly number[]): LogSource {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return {
    name: 'mem.jsonl',
    async *open() {
      let at = 0;
      for (let k = 0; at < bytes.length; k++) {
        const n = Math.max(1, sizes[k % sizes.length]!);
        yield bytes.slice(at, at + n);
        at += n;
      }
    },
  };
}

async function read(source: LogSource): Promise<{ decisions: LoggedDecision[]; warnings: LogWarning[] }> {
  const decisions: LoggedDecision[] = [];
  const warnings: LogWarning[] = [];
  await readLogs([source], (d) => decisions.push(d), { onWarning: (w) => warnings.push(w) });
  return { decisions, warnings };
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-readlogs-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('readLogs', () => {
  it('locates bad lines with codes and keeps reading', async () => {
    const text = [JSON.stringify(event(1)), '{not json', '', JSON.stringify({ hello: 1 }), JSON.stringify(event(2, { timestamp: 'yesterday' })), '  ' + JSON.stringify(event(3))].join('\n');
    const { decisions, warnings } = await read(chunked(text, [7]));
    expect(decisions.map((d) => d.id)).toEqual(['id-1', 'id-3']);
    expect(warnings.map((w) => [w.code, w.line, w.column])).toEqual([
      [INSIGHT_CODES.notJson, 2, 1],
      [INSIGHT_CODES.notEvent, 4, 1],
      [INSIGHT_CODES.badTimestamp, 5, 1],
    ]);
    expect(decisions[1]).toMatchObject({ operation: 'volumeDelete', mode: 'shadow', rule: 'p/r', originator: 'bob', resource: 'vol-3', opClass: 'destructive', findings: [{ rule: 'p/r', mode: 'shadow' }] });
  });

  it('splits JSON arrays (collector uploads) at any chunk boundary, strings with brackets included', async () => {
    const events = [event(1, { labels: { note: 'a ] tricky } "quoted" \\ value [' } }), event(2), event(3)];
    const text = `[\n${events.map((e) => JSON.stringify(e, null, 1)).join(',\n')}\n]\n[${JSON.stringify(event(4))}]`;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        const { decisions, warnings } = await read(chunked(text, sizes));
        expect(warnings).toEqual([]);
        expect(decisions.map((d) => d.id)).toEqual(['id-1', 'id-2', 'id-3', 'id-4']);
      }),
      { numRuns: 60 },
    );
  });

  it('reports a truncated array and a non-object element, with their lines', async () => {
    const { decisions, warnings } = await read(chunked(`[${JSON.stringify(event(1))},\n42,\n{"decision_id": "x"`, [5]));
    expect(decisions.map((d) => d.id)).toEqual(['id-1']);
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      [INSIGHT_CODES.notEvent, 2],
      [INSIGHT_CODES.truncated, 3],
    ]);
  });

  it('reads any OPA event: a boolean result or {allow} decides under the path', async () => {
    const generic = [
      { decision_id: 'g1', path: 'http/authz/allow', input: { method: 'DELETE' }, result: false, timestamp: '2026-11-23T00:00:00Z' },
      { decision_id: 'g2', path: 'http/authz', input: {}, result: { allow: true }, timestamp: '2026-11-23T00:00:01Z' },
    ];
    const { decisions } = await read(chunked(generic.map((e) => JSON.stringify(e)).join('\n'), [1000]));
    expect(decisions.map((d) => [d.mode, d.rule, d.findings.length])).toEqual([
      ['deny', 'http/authz/allow', 1],
      ['allow', 'http/authz', 0],
    ]);
  });

  it('gunzips gzip files; a corrupt one is a coded error', async () => {
    const good = path.join(work, 'a.json.gz');
    await writeFile(good, gzipSync(JSON.stringify([event(1), event(2)])));
    const bad = path.join(work, 'b.json.gz');
    await writeFile(bad, Buffer.concat([gzipSync('[1,2,3]').subarray(0, 12), Buffer.from('garbage')]));
    const ok = await runCli(['report', '--logs', good, '--format', 'json', '--dir', path.join(work, 'none')], { cwd: work });
    expect(ok.code).toBe(1);
    const plain = await runCli(['report', '--logs', good, '--format', 'json'], { cwd: work });
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).read.events).toBe(2);
    const broken = await runCli(['report', '--logs', bad], { cwd: work });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/error BG844 /);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });

  it('CLI: warnings are file:line:col coded, a missing path and a bad window are coded errors', async () => {
    const file = path.join(work, 'mixed.jsonl');
    await writeFile(file, `${JSON.stringify(event(1))}\nnope\n`);
    const run = await runCli(['report', '--logs', 'mixed.jsonl'], { cwd: work });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('mixed.jsonl:2:1: warning BG841 ');
    const missing = await runCli(['report', '--logs', 'nowhere.jsonl'], { cwd: work });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error BG840 /);
    const window = await runCli(['report', '--logs', 'mixed.jsonl', '--since', '2026-11-24T00:00:00Z', '--until', '2026-11-23T00:00:00Z'], { cwd: work });
    expect(window.code).toBe(1);
    expect(window.stderr).toMatch(/BG845/);
    const caller = await runCli(['report', '--logs', 'mixed.jsonl', '--unexpected', 'who:x'], { cwd: work });
    expect(caller.stderr).toMatch(/BG846/);
    const tooMany = await runCli(['report', '--logs', 'mixed.jsonl', '--max-bad-lines', '0'], { cwd: work });
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toMatch(/mixed\.jsonl:2:1: error BG847 /);
  });
});

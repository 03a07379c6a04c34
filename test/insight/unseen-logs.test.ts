// Logs the report has not seen before: OPA's own decision logs, collector uploads, files mangled by
// tools (CRLF, BOM, truncation, huge lines), retries that log a decision twice, and the parallel
// read, which must give exactly the one-thread result whatever the cut.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../../src/core/time.js';
import { INSIGHT_CODES, logSources, readLogs, reportLogs, type InsightReport, type LogSource, type LogWarning } from '../../src/insight/index.js';
import { RecentIds, idKey } from '../../src/insight/dedupe.js';
import { timestampMs } from '../../src/insight/timestamp.js';
import { runCli, REPO } from '../helpers/cli.js';

const T0 = Date.parse('2026-11-23T00:00:00Z');

function ours(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const shadow = i % 3 === 0;
  return {
    labels: { id: 'e1', version: '0.1.0' },
    decision_id: `id-${i}`,
    bundles: { blastguard: { revision: i < 50 ? 'rev-1' : 'rev-2' } },
    path: 'blastguard/decision',
    input: { api: 'railway', operation: { name: i % 2 === 0 ? 'volumeDelete' : 'customDomainDelete' }, token: { fingerprint: `sha256:${String(i % 4).repeat(64)}` }, identity: { originator: `agent-${i % 5}`, tenant: null }, resource: { id: `vol-${i}` } },
    result: { allow: true, mode: shadow ? 'shadow' : 'allow', rule: shadow ? 'p/r' : 'p/ok', violations: shadow ? [{ kind: 'rule', rule: 'p/r', mode: 'shadow' }] : [], class: 'destructive' },
    timestamp: new Date(T0 + i * 7_000).toISOString(),
    ...extra,
  };
}

function memory(name: string, bytes: Uint8Array | string, sizes: readonly number[] = [1 << 20]): LogSource {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return {
    name,
    async *open() {
      for (let at = 0, k = 0; at < data.length; k++) {
        const n = Math.max(1, sizes[k % sizes.length]!);
        yield data.slice(at, at + n);
        at += n;
      }
    },
  };
}

async function report(sources: LogSource[], options: Partial<Parameters<typeof reportLogs>[1]> = {}): Promise<{ r: InsightReport; warnings: LogWarning[] }> {
  const warnings: LogWarning[] = [];
  const r = await reportLogs(sources, { ir: null, unexpected: ['originator:agent-1'], threads: 0, onWarning: (w) => warnings.push(w), ...options });
  return { r, warnings };
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-unseen-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("OPA's own decision logs", () => {
  it('reads boolean and {allow} results, sets aside other results, no result and errors by path, and ignores extra fields', async () => {
    const lines = [
      // OPA's EventV1 with every optional field a real deployment writes.
      { labels: { id: 'u', version: '0.70.0' }, decision_id: 'o1', trace_id: 'ab', span_id: 'cd', bundles: { authz: { revision: 'r7' } }, path: '/http/authz/allow', input: { method: 'DELETE', user: 'bob' }, result: false, requested_by: '10.0.0.1:5000', timestamp: '2026-11-23T10:00:00.123456789+02:00', metrics: { timer_rego_query_eval_ns: 1 }, req_id: 42, nd_builtin_cache: { 'time.now_ns': { '[]': 1 } }, erased: ['/input/password'], masked: ['/input/user'] },
      { decision_id: 'o2', path: 'http/authz', input: 'not an object', result: { allow: true, reasons: [] }, timestamp: '2026-11-23T08:00:01Z', intermediate_results: { x: 1 } },
      { decision_id: 'o3', path: 'rbac/roles', input: {}, result: ['admin', 'dev'], timestamp: '2026-11-23T08:00:02Z' },
      { decision_id: 'o4', path: 'rbac/roles', result: { roles: [] }, timestamp: '2026-11-23T08:00:03Z' },
      { decision_id: 'o5', path: 'http/authz/allow', input: { method: 'GET' }, timestamp: '2026-11-23T08:00:04Z', erased: ['/result'] },
      { decision_id: 'o6', path: 'http/authz/allow', error: { code: 'eval_conflict_error', message: 'x' }, timestamp: '2026-11-23T08:00:05Z' },
      { decision_id: 'o7', query: 'data.system.health', result: true, timestamp: '2026-11-23T08:00:06Z' },
      // OPA's console log interleaves its own records.
      { level: 'info', msg: 'Initializing server.', time: '2026-11-23T08:00:00Z' },
      { decision_id: 'o8', path: 'blastguard/decision', input: { api: 'railway', operation: 'volumeDelete' }, result: null, timestamp: '2026-11-23T08:00:07Z', type: 'openpolicyagent.org/decision_logs' },
    ];
    const { r, warnings } = await report([memory('opa.log', lines.map((l) => JSON.stringify(l)).join('\n') + '\n')]);
    expect(warnings).toEqual([]);
    expect(r.read.events).toBe(3);
    expect(r.modes).toEqual({ allow: 2, shadow: 0, deny: 1 });
    expect(r.rules.map((x) => [x.id, x.deny])).toEqual([['http/authz/allow', 1]]);
    expect(r.read.ignored).toBe(6);
    expect(r.read.ignoredPaths).toEqual([
      { path: 'rbac/roles', events: 2 },
      { path: '(server log) (log-record)', events: 1 },
      { path: 'blastguard/decision (no-result)', events: 1 },
      { path: 'http/authz/allow (error)', events: 1 },
      { path: 'http/authz/allow (no-result)', events: 1 },
    ]);
    expect(r.window.from).toBe('2026-11-23T08:00:00.123Z');
    expect(r.revisions.map((v) => v.revision)).toEqual(['authz@r7']);
  });

  it('names the bundle revisions that decided, and shows the set-aside events in the human report', async () => {
    const file = path.join(work, 'revisions.jsonl');
    await writeFile(file, [...Array.from({ length: 100 }, (_, i) => ours(i)), { decision_id: 'x', path: 'other/policy', result: 3, timestamp: '2026-11-23T00:00:00Z' }].map((e) => JSON.stringify(e)).join('\n'));
    const json = await runCli(['report', '--logs', file, '--format', 'json'], { cwd: work });
    const r = JSON.parse(json.stdout) as InsightReport;
    expect(r.revisions.map((v) => [v.revision, v.events])).toEqual([
      ['blastguard@rev-1', 50],
      ['blastguard@rev-2', 50],
    ]);
    const human = await runCli(['report', '--logs', file], { cwd: work });
    expect(human.stdout).toContain('1 event(s) of other policies or without a decision set aside (other/policy ×1); decided by 2 bundle revisions (blastguard@rev-1, blastguard@rev-2).');
  });
});

describe('files as tools leave them', () => {
  it('CRLF, a BOM, blank lines, a BOM mid-file, and a truncated last line: located, never a crash', async () => {
    const events = [ours(1), ours(2), ours(3)].map((e) => JSON.stringify(e));
    const text = `\uFEFF${events[0]}\r\n\r\n   \r\n${events[1]}\r\n\uFEFF${events[2]}\r\n${events[2]!.slice(0, 40)}`;
    for (const sizes of [[1], [2, 3], [1 << 20]]) {
      const { r, warnings } = await report([memory('crlf.jsonl', text, sizes)]);
      expect(r.read.events).toBe(3);
      expect(warnings.map((w) => [w.code, w.line, w.column])).toEqual([[INSIGHT_CODES.truncated, 6, 1]]);
    }
  });

  it('skips a line longer than 8 MiB with BG851 at its line, and reads on', async () => {
    const huge = `{"decision_id":"big","pad":"${'x'.repeat(9 << 20)}"}`;
    const text = [JSON.stringify(ours(1)), huge, JSON.stringify(ours(2)), '["unterminated', huge.slice(0, 100)].join('\n');
    const { r, warnings } = await report([memory('huge.jsonl', text, [1 << 20, 77])]);
    expect(r.read.events).toBe(2);
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      [INSIGHT_CODES.tooLong, 2],
      [INSIGHT_CODES.notJson, 4],
      [INSIGHT_CODES.truncated, 5],
    ]);
    // The same in a JSON array.
    const array = `[${JSON.stringify(ours(1))},\n${huge},\n${JSON.stringify(ours(2))}]`;
    const inArray = await report([memory('huge.json', array)]);
    expect(inArray.r.read.events).toBe(2);
    expect(inArray.warnings.map((w) => [w.code, w.line])).toEqual([[INSIGHT_CODES.tooLong, 2]]);
  });

  it('reads gzip JSON arrays, a gzip of a gzip, uploads one a line, and nested directories', async () => {
    const dir = path.join(work, 'nested');
    await mkdir(path.join(dir, '2026', '11', '23'), { recursive: true });
    await writeFile(path.join(dir, '2026', '11', '23', 'a.json.gz'), gzipSync(JSON.stringify([ours(1), ours(2)])));
    await writeFile(path.join(dir, '2026', '11', '23', 'b.json.gz.gz'), gzipSync(gzipSync(`\uFEFF[${JSON.stringify(ours(3))}]\n[${JSON.stringify(ours(4))}]`)));
    await writeFile(path.join(dir, '2026', 'uploads.jsonl'), `${JSON.stringify([ours(5), ours(6)])}\n${JSON.stringify(ours(7))}\n`);
    await writeFile(path.join(dir, '.hidden.jsonl'), 'ignored\n');
    const run = await runCli(['report', '--logs', dir, '--format', 'json'], { cwd: work });
    expect(run.stderr).not.toMatch(/warning|error/);
    const r = JSON.parse(run.stdout) as InsightReport;
    expect(r.read.files).toBe(3);
    expect(r.read.events).toBe(7);
  });

  it('a directory of junk: every bad line located in a bounded sample, exit 0, or BG847 past --max-bad-lines; never a stack trace', async () => {
    const dir = path.join(work, 'junk');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'binary.bin'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 37) % 256)));
    await writeFile(path.join(dir, 'notes.txt'), Array.from({ length: 1200 }, (_, i) => `note ${i}`).join('\n'));
    const run = await runCli(['report', '--logs', dir, '--format', 'json', '--max-bad-lines', '100000'], { cwd: work });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).toMatch(/^junk\/binary\.bin:\d+:\d+: warning BG84[18] /m);
    expect(run.stderr).toMatch(/…and \d+ more bad line\(s\) skipped/);
    const r = JSON.parse(run.stdout) as InsightReport;
    expect(r.read.events).toBe(0);
    expect(r.read.badSamples).toHaveLength(20);
    expect(r.read.badByCode[INSIGHT_CODES.notJson]).toBeGreaterThanOrEqual(30);
    const capped = await runCli(['report', '--logs', dir], { cwd: work });
    expect(capped.code).toBe(1);
    expect(capped.stderr).toMatch(/error BG847 /);
    expect(capped.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('time and repeats', () => {
  it('timestamps with offsets and nanoseconds place events in the window; outside ones are counted', async () => {
    const events = [
      ours(1, { timestamp: '2026-11-23T01:00:00.999999999+01:00' }), // 00:00:00.999Z
      ours(2, { timestamp: '2026-11-22T23:59:59.999999999-00:00' }), // before
      ours(3, { timestamp: '2026-11-24T05:30:00+05:30' }), // 2026-11-24T00:00:00Z: the until is exclusive
      ours(4, { timestamp: '2026-11-23t12:00:00z' }),
      ours(5, { timestamp: '2026-11-23 12:00:00Z' }), // not RFC 3339
      ours(6, { timestamp: '2026-11-23' }),
    ];
    const { r, warnings } = await report([memory('t.jsonl', events.map((e) => JSON.stringify(e)).join('\n'))], { sinceMs: T0, untilMs: T0 + 86_400_000 });
    expect(r.read.events).toBe(2);
    expect(r.read.outsideWindow).toBe(2);
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      [INSIGHT_CODES.badTimestamp, 5],
      [INSIGHT_CODES.badTimestamp, 6],
    ]);
    expect(r.window.from).toBe('2026-11-23T00:00:00.999Z');
  });

  it('the timestamp reader agrees with core parseRfc3339 on any string near the grammar', () => {
    const part = (n: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
    const stamp = fc
      .tuple(part(4), part(2), part(2), fc.constantFrom('T', 't', ' '), part(2), part(2), part(2), fc.option(fc.stringMatching(/^\.[0-9]{0,11}$/)), fc.constantFrom('Z', 'z', '+05:30', '-23:59', '+24:00', '+0530', ''))
      .map(([y, mo, d, t, h, mi, s, f, z]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${f ?? ''}${z}`);
    fc.assert(
      fc.property(fc.oneof(stamp, fc.string()), (s) => {
        const core = parseRfc3339(s);
        const expected = core === null ? NaN : core.seconds * 1000 + Math.floor(core.nanos / 1e6);
        expect(timestampMs(s)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('a decision logged twice (a retried upload, a retried write) counts once, across files too', async () => {
    const first = Array.from({ length: 30 }, (_, i) => ours(i));
    const jsonl = memory('decisions.jsonl', [...first, first[3], first[3]].map((e) => JSON.stringify(e)).join('\n'));
    // The collector stored the same upload chunk twice.
    const upload = gzipSync(JSON.stringify(first.slice(10, 20)));
    const once = await report([memory('decisions.jsonl', first.map((e) => JSON.stringify(e)).join('\n'))]);
    const twice = await report([jsonl, memory('up-1.json.gz', upload), memory('up-1-retry.json.gz', upload)]);
    expect(twice.r.read.duplicates).toBe(22);
    expect(twice.r.read.events).toBe(30);
    expect({ ...twice.r, read: null }).toEqual({ ...once.r, read: null });
  });

  it('remembers exactly the last ids within its reach (a model check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 400 }), fc.integer({ min: 0, max: 50 }), (ids, shift) => {
        const reach = 8;
        const recent = new RecentIds(reach);
        const window: number[] = [];
        for (const n of ids) {
          const id = `id-${n + shift}`;
          const expected = window.includes(n);
          expect(recent.repeat(...idKey(id))).toBe(expected);
          if (!expected) {
            window.push(n);
            if (window.length > reach) window.shift();
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('the parallel read', () => {
  const lines = (n: number): string[] => Array.from({ length: n }, (_, i) => (i % 97 === 13 ? '{bad json' : i % 89 === 7 ? '' : JSON.stringify(ours(i % 150))));

  it('cut into units anywhere, the report is the one-unit report (lines and arrays)', async () => {
    const text = lines(400).join('\n');
    const array = `[${Array.from({ length: 120 }, (_, i) => JSON.stringify(ours(i), null, i % 2 === 0 ? 1 : 0)).join(',\n')}]`;
    const whole = await report([memory('a.jsonl', text), memory('b.json', array)], { unitBytes: 1 << 30 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 4 }), async (unitBytes, sizes) => {
        const cut = await report([memory('a.jsonl', text, sizes), memory('b.json', array, sizes)], { unitBytes });
        expect(cut.warnings).toEqual(whole.warnings);
        expect(cut.r).toEqual(whole.r);
      }),
      { numRuns: 40 },
    );
  });

  const dist = path.join(REPO, 'dist', 'insight', 'index.js');
  // The worker runs compiled JavaScript; `npm test` builds dist/ first. In CI it must be there.
  const skip = !existsSync(dist) && process.env['CI'] !== 'true';
  // assemblyscript's global `console` declaration hides Node's `warn` from tsc; it is there at run time.
  if (skip) (console as unknown as Console).warn('[blastguard tests] SKIPPING the worker-thread read: no built dist/ (npm run build); in CI it runs');
  it.skipIf(skip)('on worker threads (the built dist/), the same report as on one thread', async () => {
    const file = path.join(work, 'parallel.jsonl');
    await writeFile(file, lines(3000).join('\n'));
    const script = `import { logSources, reportLogs } from ${JSON.stringify(dist)};
const warnings = [];
const r = await reportLogs(await logSources([${JSON.stringify(file)}], { cwd: '/' }), { ir: null, unexpected: ['originator:agent-1'], threads: 2, unitBytes: 4096, onWarning: (w) => warnings.push(w) });
console.log(JSON.stringify({ r, warnings }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 26 })) as { r: InsightReport; warnings: LogWarning[] };
    const here = await report(await logSources([file], { cwd: '/' }));
    expect(out.warnings).toEqual(here.warnings);
    expect(out.r).toEqual(here.r);
    expect(out.r.read.bad).toBeGreaterThan(20);
  });

  it('readLogs keeps each input on one thread (replays need it)', async () => {
    const inputs: unknown[] = [];
    await readLogs([memory('a.jsonl', JSON.stringify(ours(1)))], (d) => inputs.push(d.input));
    expect(inputs).toEqual([ours(1)['input']]);
  });
});

// Decision logs end to end: a collector on loopback that decompresses every upload and counts the
// events (none lost below the buffer bound; above it, allow events go first and every drop is
// counted), the JSONL file with rotation, the console sink, and credential masking.
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileSource, persistBundle } from '../../src/distribute/index.js';
import { EventBuffer, UNLOGGABLE_INPUT, createEnforcer, isCredentialKey, maskInput, type DecisionEvent, type DecisionRecord, type Enforcer, type EnforcerOptions } from '../../src/enforce/index.js';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

interface Collector {
  url: string;
  events: DecisionEvent[];
  posts: { encoding: string | undefined; type: string | undefined; path: string | undefined }[];
  failing: boolean;
  close(): Promise<void>;
}

async function startCollector(): Promise<Collector> {
  const c = { events: [] as DecisionEvent[], posts: [] as Collector['posts'], failing: false } as Collector;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      if (c.failing) {
        res.writeHead(500);
        res.end();
        return;
      }
      c.posts.push({ encoding: req.headers['content-encoding'], type: req.headers['content-type'], path: req.url });
      const batch = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString('utf8')) as DecisionEvent[];
      c.events.push(...batch);
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  c.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return c;
}

let f: EnforceFixtures;
let dir: string;
let bundleDir: string;
let collector: Collector;
const open: Enforcer[] = [];

beforeAll(async () => {
  f = await enforceFixtures();
  dir = await tempDir('enforce-logs');
  bundleDir = await tempDir('enforce-logs-bundle');
  await persistBundle(bundleDir, 'src', await f.bundle('r1', 1));
  collector = await startCollector();
});
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
  collector.events.length = 0;
  collector.posts.length = 0;
  collector.failing = false;
});
afterAll(async () => {
  await collector?.close();
  await removeDir(dir);
  await removeDir(bundleDir);
});

async function enforcer(options: Partial<EnforcerOptions>): Promise<Enforcer> {
  const e = createEnforcer({ source: new FileSource({ path: path.join(bundleDir, 'bundles', 'src', 'bundle.tar.gz') }), verification: f.verification, poll: false, labels: { id: 'test-instance', version: 'test' }, ...options });
  open.push(e);
  await e.refresh();
  await e.ready;
  return e;
}

const upload = (extra: object = {}): EnforcerOptions['decisionLogs'] => ({ upload: { url: collector.url, retries: 0, ...extra }, flushIntervalMs: 3_600_000 });

describe('upload to an OPA-compatible collector', () => {
  it('delivers every event below the buffer bound, as gzip JSON arrays of EventV1', async () => {
    const e = await enforcer({ decisionLogs: { ...upload({ uploadSizeLimitBytes: 4096 }), bufferSizeLimitEvents: 1000 } });
    const inputs = [f.inputs.allow, f.inputs.deny, f.inputs.shadow];
    for (let i = 0; i < 900; i++) e.decide(inputs[i % 3], i === 0 ? { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` } : {});
    await e.flushLogs();
    expect(collector.events.length).toBe(900);
    expect(new Set(collector.events.map((x) => x.decision_id)).size).toBe(900);
    expect(collector.posts.length).toBeGreaterThan(1); // chunked by the compressed size limit
    expect(collector.posts.every((p) => p.encoding === 'gzip' && p.type === 'application/json' && p.path === '/logs')).toBe(true);
    const first = collector.events[0]!;
    expect(Object.keys(first)).toEqual(['labels', 'decision_id', 'trace_id', 'span_id', 'bundles', 'path', 'input', 'result', 'timestamp', 'metrics']);
    expect(first).toMatchObject({ labels: { id: 'test-instance', version: 'test' }, bundles: { blastguard: { revision: 'r1' } }, path: 'blastguard/decision', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) });
    expect(first.metrics['timer_blastguard_decide_ns']).toBeGreaterThan(0);
    const shadow = collector.events.find((x) => x.result.mode === 'shadow')!;
    expect(shadow.result.would_deny).toBe(true);
    expect(shadow.result.rule).toBe((await f.expected(f.inputs.shadow)).rule);
    expect(e.status().decision_logs).toMatchObject({ buffered: 0, uploaded: 900 });
  });

  it('above the bound drops allow events first, keeps shadow/deny, counts every drop, and loses nothing else', async () => {
    const e = await enforcer({ decisionLogs: { ...upload(), bufferSizeLimitEvents: 10 } });
    collector.failing = true;
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const input = i % 5 === 0 ? f.inputs.deny : i % 7 === 0 ? f.inputs.shadow : f.inputs.allow;
      sent.push(e.decide(input).mode);
    }
    const decisive = sent.filter((m) => m !== 'allow').length;
    await e.flushLogs(); // fails: everything stays buffered
    expect(e.status().decision_logs?.uploadFailures).toBe(1);
    collector.failing = false;
    await e.flushLogs();
    const modes = collector.events.map((x) => x.result.mode);
    expect(modes.length).toBe(10);
    expect(modes.filter((m) => m !== 'allow').length).toBe(decisive);
    const dropped = e.status().decision_logs!.dropped.decision_logs_dropped_buffer_size_limit_exceeded;
    expect(dropped).toEqual({ allow: 30 - 10, shadow_or_deny: 0 });
    const metrics = await e.metrics.registry.metrics();
    expect(metrics).toContain('blastguard_decision_logs_dropped_total{cause="buffer_size_limit_exceeded",kind="allow"} 20');
  });

  it('when only shadow/deny events are left, drops the oldest of them (counted)', () => {
    const b = new EventBuffer(3);
    const event = (mode: 'allow' | 'deny', id: string): DecisionRecord => ({ input: id, result: { mode } as DecisionRecord['result'], bundle: null, timeMs: 0, durationNs: 0 });
    b.push(event('deny', 'd1'));
    b.push(event('deny', 'd2'));
    b.push(event('deny', 'd3'));
    b.push(event('allow', 'a1'));
    b.push(event('deny', 'd4'));
    expect(b.take(10).map((x) => x.record.input)).toEqual(['d2', 'd3', 'd4']);
    expect(b.dropped).toEqual({ allow: 1, decisive: 1 });
  });
});

describe('local sinks', () => {
  it('writes JSON lines to a file, rotated by size, and OPA console lines', async () => {
    const file = path.join(dir, 'decisions.jsonl');
    const lines: string[] = [];
    const e = await enforcer({ decisionLogs: { file: { path: file, maxBytes: 20_000, maxFiles: 2 }, console: (l) => lines.push(l), flushIntervalMs: 3_600_000 } });
    for (let i = 0; i < 60; i++) e.decide(f.inputs.deny);
    await e.flushLogs();
    const files = (await readdir(dir)).filter((n) => n.startsWith('decisions.jsonl')).sort();
    expect(files).toEqual(['decisions.jsonl', 'decisions.jsonl.1', 'decisions.jsonl.2']);
    const text = await readFile(file, 'utf8');
    for (const line of text.trim().split('\n')) expect((JSON.parse(line) as DecisionEvent).result.mode).toBe('deny');
    expect(lines.length).toBe(60);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'openpolicyagent.org/decision_logs', path: 'blastguard/decision' });
  });
});

describe('masking', () => {
  it('logs credentials only as fingerprints and escapes control characters', () => {
    const masked = maskInput({ token: { fingerprint: `sha256:${'a'.repeat(64)}` }, headers: { Authorization: 'Bearer s3cret', note: 'a\u0007b' }, password: 'hunter2' }) as Record<string, Record<string, unknown>>;
    expect(masked['token']).toEqual({ fingerprint: `sha256:${'a'.repeat(64)}` });
    expect(masked['headers']!['Authorization']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(masked['headers']!['note']).toBe('a\\x07b');
    expect(JSON.stringify(masked)).not.toContain('hunter2');
    expect(JSON.stringify(masked)).not.toContain('s3cret');
  });

  it('fingerprints every value under a credential key at any depth, in arrays too', () => {
    const masked = JSON.stringify(
      maskInput({ headers: { 'set-cookie': ['session=SECRET1'], authorization: ['Bearer SECRET2'], cookie: { a: 'SECRET3', b: [{ c: 'SECRET4' }] } }, token: { fingerprint: 'family:ghp_', pin: 1234567 } }),
    );
    for (const secret of ['SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', '1234567']) expect(masked).not.toContain(secret);
    // extract's token family marker is not a credential.
    expect(masked).toContain('"fingerprint":"family:ghp_"');
  });

  it('knows the usual spellings of credential keys, and not `author`', () => {
    const keys = ['accessToken', 'x-auth-token', 'client-secret', 'aws_secret_access_key', 'bearer', 'api_token', 'x-amz-security-token', 'X-Api-Key', 'Proxy-Authorization', 'sessionId', 'passphrase', 'privateKey', 'x-hub-signature-256', 'credentials', 'refresh_token'];
    expect(keys.filter((k) => !isCredentialKey(k))).toEqual([]);
    expect(['author', 'authority', 'name', 'volumeId', 'environment'].filter((k) => isCredentialKey(k))).toEqual([]);
  });

  it('never lets a string under a credential key through (property)', () => {
    const MARK = 'Zq9SECRET';
    const secretKey = fc.constantFrom('authorization', 'Cookie', 'set-cookie', 'accessToken', 'x-auth-token', 'client_secret', 'aws_secret_access_key', 'bearer', 'api_token', 'x-amz-security-token', 'password', 'apiKey', 'session');
    const plainKey = fc.constantFrom('name', 'args', 'items', 'author', 'meta', 'x');
    const secretValue = fc.string({ maxLength: 12 }).map((s) => MARK + s);
    const plain = fc.oneof(fc.string({ maxLength: 8 }).filter((s) => !s.includes('Zq9')), fc.integer(), fc.boolean(), fc.constant(null));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, plain, fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(plainKey, tie('tree'), { maxKeys: 3 }), tie('secretNode')),
      secretNode: fc.dictionary(secretKey, fc.oneof(secretValue, fc.array(secretValue, { maxLength: 3 }), fc.dictionary(plainKey, secretValue, { maxKeys: 2 })), { minKeys: 1, maxKeys: 2 }),
    }));
    fc.assert(
      fc.property(tree, (input) => {
        expect(JSON.stringify(maskInput(input))).not.toContain(MARK);
      }),
      { seed: 20261130, numRuns: 300 },
    );
  });
});

describe('decideJson: input a caller already holds as JSON', () => {
  it('decides as decide() does, from text or bytes, and logs the parsed (masked) input off the decision path', async () => {
    const lines: string[] = [];
    const e = await enforcer({ decisionLogs: { console: (line) => lines.push(line), flushIntervalMs: 3_600_000 } });
    for (const input of [f.inputs.allow, f.inputs.deny, f.inputs.shadow, f.inputs.lockable]) {
      const text = JSON.stringify(input);
      expect(e.decideJson(text)).toEqual(e.decide(input));
      expect(e.decideJson(new TextEncoder().encode(text))).toEqual(e.decide(input));
    }
    // A reused buffer does not change what was logged; a credential is logged as its fingerprint.
    const buffer = new TextEncoder().encode(JSON.stringify({ ...(f.inputs.deny as object), password: 'hunter2' }));
    e.decideJson(buffer);
    buffer.fill(0x20);
    // Not JSON: the module reads no input and the policy denies it (or the module aborts: enforcer:error).
    expect(e.decideJson('{"not json')).toMatchObject({ allow: false, mode: 'deny' });
    await e.flushLogs();
    const events = lines.map((l) => JSON.parse(l) as DecisionEvent);
    expect(events.length).toBe(18);
    expect(events[1]!.input).toEqual(events[0]!.input);
    expect(events[2]!.input).toEqual(events[0]!.input);
    expect(events[0]!.input).toEqual(JSON.parse(JSON.stringify(f.inputs.allow)));
    expect(events[16]!.input).toMatchObject({ password: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(JSON.stringify(events)).not.toContain('hunter2');
    // Text that does not parse cannot be masked: only its size and fingerprint are logged.
    expect(events[17]!.input).toEqual({ not_json: { bytes: 10, fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } });
    expect(() => e.decideJson({} as unknown as string)).toThrow(expect.objectContaining({ code: 'BG600' }));
  });
});

describe('losses are counted, nothing crashes', () => {
  it('an input whose getter throws is logged with a marker and counted; the drain never rejects', async () => {
    const lines: string[] = [];
    const e = await enforcer({ decisionLogs: { console: (line) => lines.push(line), flushIntervalMs: 10 } });
    const input = { ...(f.inputs.deny as object) };
    Object.defineProperty(input, 'weird', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    e.decide(input);
    e.decide(f.inputs.deny);
    // The background drain runs on its own (an unhandled rejection there would fail this run).
    await new Promise((r) => setTimeout(r, 100));
    await e.flushLogs();
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!).input).toBe(UNLOGGABLE_INPUT);
    expect(e.status().decision_logs).toMatchObject({ inputUnreadable: 1, written: 2 });
  });

  it('a console writer that throws is counted as a failure of its sink', async () => {
    const e = await enforcer({ decisionLogs: { console: () => { throw new Error('stdout closed'); } } });
    e.decide(f.inputs.allow);
    await e.flushLogs();
    expect(e.status().decision_logs).toMatchObject({ written: 0, failures: { console: 1 }, lastError: { code: 'BG641' } });
  });

  it('a file that cannot be written counts its events as dropped, by kind, and as a failure of the file sink', async () => {
    const e = await enforcer({ decisionLogs: { file: { path: path.join(dir, 'no-such-dir', 'decisions.log') } } });
    e.decide(f.inputs.allow);
    e.decide(f.inputs.deny);
    e.decide(f.inputs.deny);
    await e.flushLogs();
    const logs = e.status().decision_logs!;
    expect(logs.written).toBe(0);
    expect(logs.dropped.decision_logs_dropped_file_write_failed).toEqual({ allow: 1, shadow_or_deny: 2 });
    expect(logs.failures.file).toBe(1);
    const metrics = await e.metrics.registry.metrics();
    expect(metrics).toContain('blastguard_decision_log_failures_total{sink="file"} 1');
    expect(metrics).toContain('blastguard_decision_logs_dropped_total{cause="file_write_failed",kind="shadow_or_deny"} 2');
  });

  it('close() with a failing collector counts what it could not deliver', async () => {
    collector.failing = true;
    const e = await enforcer({ decisionLogs: { upload: { url: collector.url, retries: 0 } } });
    for (let i = 0; i < 7; i++) e.decide(f.inputs.deny);
    e.decide(f.inputs.allow);
    await e.close();
    const logs = e.status().decision_logs!;
    expect(logs.dropped.decision_logs_dropped_closed_with_events_buffered).toEqual({ allow: 1, shadow_or_deny: 7 });
    expect(logs).toMatchObject({ buffered: 0, uploadFailures: 1, failures: { upload: 1 } });
  });

  it('close() with a collector that never answers gives up after its grace and counts the events', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const e = await enforcer({ decisionLogs: { upload: { url: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, retries: 0 }, closeGraceMs: 200 } });
      for (let i = 0; i < 3; i++) e.decide(f.inputs.deny);
      await e.close(); // would wait out the 30 s upload time-out without the grace
      expect(e.status().decision_logs!.dropped.decision_logs_dropped_closed_with_events_buffered).toEqual({ allow: 0, shadow_or_deny: 3 });
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it('a sink that works again clears its last error', async () => {
    collector.failing = true;
    const e = await enforcer({ decisionLogs: { upload: { url: collector.url, retries: 0 } } });
    e.decide(f.inputs.deny);
    await e.flushLogs();
    expect(e.status().decision_logs!.lastError).toMatchObject({ code: 'BG640' });
    collector.failing = false;
    await e.flushLogs();
    expect(e.status().decision_logs).toMatchObject({ uploaded: 1, lastError: null });
  });

  it('uploads a deny whose input alone passes upload_size_limit_bytes without its input (erased), counted', async () => {
    const e = await enforcer({ decisionLogs: { upload: { url: collector.url } } });
    const padding = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`k${i}`, randomBytes(150).toString('base64')]));
    const d = e.decide({ ...(f.inputs.deny as object), padding });
    e.decide(f.inputs.deny);
    await e.flushLogs();
    expect(d.mode).toBe('deny');
    expect(collector.events).toHaveLength(2);
    const erased = collector.events.find((ev) => ev.erased !== undefined)!;
    expect(erased).toMatchObject({ erased: ['/input'], result: { mode: 'deny' } });
    expect('input' in erased).toBe(false);
    expect(e.status().decision_logs).toMatchObject({ inputErased: 1, dropped: { decision_logs_dropped_upload_size_limit_exceeded: 0 } });
  });
});

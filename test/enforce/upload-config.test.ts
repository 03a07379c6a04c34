// Shutdown and configuration of the uploads: close() with a status service that never answers
// flushes the decision log within its grace and aborts the status upload within its own; a
// `resource` is joined as a path (the credentials never follow it to another host); decision-log
// file options out of range are refused (BG600).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSource, persistBundle } from '../../src/distribute/index.js';
import { DecisionLog, createEnforcer, type EnforcerOptions } from '../../src/enforce/index.js';
import type { Decision } from '../../src/ir/types.js';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

let f: EnforceFixtures;
let dir: string;
let hung: Server;
let hungUrl: string;
beforeAll(async () => {
  f = await enforceFixtures();
  dir = await tempDir('upload-config');
  await persistBundle(dir, 'src', await f.bundle('r1', 1));
  hung = createServer(() => undefined); // accepts every request and never answers
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
});
afterAll(async () => {
  hung.closeAllConnections();
  hung.close();
  await removeDir(dir);
});

const DENY: Decision = { allow: false, mode: 'deny', enforced: true, would_deny: true, rule: 'r', reasons: [], violations: [], environment: null, environment_assumed: false, class: null, enforcement: null };

describe('close() with a status service that never answers', () => {
  it('writes the decision log and returns within the graces', async () => {
    const file = path.join(dir, 'close.jsonl');
    const e = createEnforcer({
      source: new FileSource({ path: path.join(dir, 'bundles', 'src', 'bundle.tar.gz') }),
      verification: f.verification,
      poll: false,
      statusUpload: { url: hungUrl, retries: 0, closeGraceMs: 200 },
      decisionLogs: { file: { path: file }, upload: { url: hungUrl, retries: 0 }, closeGraceMs: 300, flushIntervalMs: 3_600_000 },
    });
    await e.refresh();
    e.decide(f.inputs.deny);
    const t0 = performance.now();
    await e.close();
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect((await readFile(file, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
    const s = e.status();
    expect(s.status_upload?.failures).toBeGreaterThanOrEqual(1);
    expect(s.decision_logs?.dropped.decision_logs_dropped_closed_with_events_buffered.shadow_or_deny).toBe(1);
  });

  it('refuses a status closeGraceMs that is not a number of milliseconds (BG600)', () => {
    const options = (closeGraceMs: unknown): EnforcerOptions => ({ source: new FileSource({ path: path.join(dir, 'bundles', 'src', 'bundle.tar.gz') }), verification: f.verification, poll: false, statusUpload: { url: hungUrl, closeGraceMs: closeGraceMs as number } });
    for (const bad of [-1, Number.NaN, 'abc']) expect(() => createEnforcer(options(bad))).toThrow(expect.objectContaining({ code: 'BG600' }));
  });
});

describe('resource', () => {
  it('is joined to the service url as a path: the host and the credentials stay', async () => {
    const seen: { url: string; authorization: string | undefined }[] = [];
    const fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
      seen.push({ url: String(url), authorization: new Headers(init?.headers).get('authorization') ?? undefined });
      return new Response(null, { status: 204 });
    };
    for (const resource of ['v1/logs', '/v1/logs', '//v1/logs']) {
      const log = new DecisionLog({ upload: { url: 'http://127.0.0.1:9/base/', resource, credentials: { bearer: { token: 's3cret' } }, fetch }, flushIntervalMs: 3_600_000 }, {}, Date.now);
      log.record({ input: {}, result: DENY, bundle: null, timeMs: Date.now(), durationNs: 1 });
      await log.flush();
      await log.close();
    }
    const e = createEnforcer({ source: new FileSource({ path: path.join(dir, 'bundles', 'src', 'bundle.tar.gz') }), verification: f.verification, poll: false, statusUpload: { url: 'http://127.0.0.1:9', resource: 'v1/status', fetch } });
    await e.refresh();
    await e.flushStatus();
    await e.close();
    expect(seen.map((s) => new URL(s.url).host)).toEqual(seen.map(() => '127.0.0.1:9'));
    expect(seen.slice(0, 3).map((s) => new URL(s.url).pathname)).toEqual(['/base/v1/logs', '/base/v1/logs', '/base/v1/logs']);
    expect(new URL(seen[3]!.url).pathname).toBe('/v1/status');
    expect(seen[0]!.authorization).toBe('Bearer s3cret');
  });

  it('that is not a path is refused (BG600)', () => {
    for (const resource of ['', 'logs?x=1', 7]) {
      expect(() => new DecisionLog({ upload: { url: 'http://127.0.0.1:9', resource: resource as string } }, {}, Date.now)).toThrow(expect.objectContaining({ code: 'BG600' }));
    }
  });
});

describe('decision-log file options', () => {
  it('are refused out of range (BG600)', () => {
    const bad = [{ maxBytes: 'abc' }, { maxBytes: -5 }, { maxBytes: 1.5 }, { maxBytes: 200 }, { maxFiles: 0 }, { maxFiles: -3 }, { maxFiles: 1.5 }, { maxFiles: 'x' }];
    for (const options of bad) {
      expect(() => new DecisionLog({ file: { path: path.join(dir, 'opts.jsonl'), ...(options as { maxBytes?: number; maxFiles?: number }) } }, {}, Date.now), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'BG600' }),
      );
    }
    expect(() => new DecisionLog({ file: { path: path.join(dir, 'opts.jsonl'), maxBytes: 4096, maxFiles: 1 } }, {}, Date.now)).not.toThrow();
  });
});

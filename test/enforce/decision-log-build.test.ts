// A decision's log line is built on a later turn of the event loop, not when the drain runs: the
// buffer holds one string per event, not the input's object graph, for the rest of the interval.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileSource, persistBundle } from '../../src/distribute/index.js';
import { createEnforcer, type DecisionEvent, type Enforcer } from '../../src/enforce/index.js';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

let f: EnforceFixtures;
let bundleDir: string;
const open: Enforcer[] = [];

beforeAll(async () => {
  f = await enforceFixtures();
  bundleDir = await tempDir('enforce-log-build');
  await persistBundle(bundleDir, 'src', await f.bundle('r1', 1));
});
afterAll(async () => {
  for (const e of open.splice(0)) await e.close();
  await removeDir(bundleDir);
});

async function enforcer(lines: string[], bufferSizeLimitEvents = 10_000): Promise<Enforcer> {
  const e = createEnforcer({
    source: new FileSource({ path: path.join(bundleDir, 'bundles', 'src', 'bundle.tar.gz') }),
    verification: f.verification,
    poll: false,
    decisionLogs: { console: (line) => lines.push(line), flushIntervalMs: 3_600_000, bufferSizeLimitEvents },
  });
  open.push(e);
  await e.refresh();
  return e;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

it('builds the line within a turn of the event loop, long before the drain writes it', async () => {
  const lines: string[] = [];
  const e = await enforcer(lines);
  const input = JSON.parse(JSON.stringify(f.inputs.deny)) as Record<string, unknown>;
  const decision = e.decide(input);
  await turn();
  // Changing the input afterwards breaks the caller's contract; it also shows the event was already built.
  input['late'] = 'changed after the line was built';
  expect(lines).toHaveLength(0);
  await e.flushLogs();
  expect(lines).toHaveLength(1);
  const event = JSON.parse(lines[0]!) as DecisionEvent;
  expect(event.input).toEqual(JSON.parse(JSON.stringify(f.inputs.deny)));
  expect(event.result).toEqual(JSON.parse(JSON.stringify(decision)));
  expect(event.decision_id).toMatch(/^[0-9a-f-]{36}$/);
});

it('keeps every event of a burst, in order, whether its line was built before the drain or by it', async () => {
  const lines: string[] = [];
  const e = await enforcer(lines);
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    const decisionId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    ids.push(decisionId);
    e.decide(i % 2 === 0 ? f.inputs.allow : f.inputs.deny, { decisionId });
    // Half the burst gets turns of the event loop (built early), half none (built by the drain).
    if (i < 100) await turn();
  }
  await e.flushLogs();
  expect(lines.map((l) => (JSON.parse(l) as DecisionEvent).decision_id)).toEqual(ids);
});

it('counts what a full buffer drops, and logs the rest', async () => {
  const lines: string[] = [];
  const e = await enforcer(lines, 5);
  for (let i = 0; i < 20; i++) e.decide(f.inputs.allow);
  await turn();
  await e.flushLogs();
  expect(lines).toHaveLength(5);
  expect(e.status().decision_logs!.dropped.decision_logs_dropped_buffer_size_limit_exceeded).toEqual({ allow: 15, shadow_or_deny: 0 });
});

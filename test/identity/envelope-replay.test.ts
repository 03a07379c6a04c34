import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, copyExampleRepo, runCli } from '../helpers/cli.js';
import { testKey } from '../helpers/envelope.js';
import { envelopeReplayYaml, issuersYaml } from '../helpers/envelope-fixtures.js';

const ISSUERS = 'policies/identity/issuers.yaml';
const REPLAY = 'test/incidents/identity-envelope.yaml';
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The replay with every envelope text blanked: what the generator decides, keys aside. */
function shape(text: string): unknown {
  const doc = parse(text) as { spec: { steps: { request: { headers: Record<string, string> } }[] } };
  for (const step of doc.spec.steps) if ('Txn-Token' in step.request.headers) step.request.headers['Txn-Token'] = '<envelope>';
  return doc;
}

describe('identity-envelope replay, built from source', () => {
  it('rebuilt with fresh keys, the example repository still passes every replay at full rule coverage', async () => {
    const root = await copyExampleRepo(await mkdtemp(path.join(os.tmpdir(), 'blastguard-envelope-')));
    dirs.push(root);
    const keys = { jobs: testKey('acme-jobs-2026-04'), runner: testKey('job-runner-2026-04', 'p256'), attacker: testKey('attacker') };
    await writeFile(path.join(root, ISSUERS), issuersYaml(keys));
    const replay = await envelopeReplayYaml(keys);
    await writeFile(path.join(root, REPLAY), replay);
    const { code, stdout, stderr } = await runCli(['test', '--dir', 'policies', '--tests', 'test', '--min-coverage', '100'], { cwd: root });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/ok {3}10\/10 {2}replay identity-envelope/);
    expect(code).toBe(0);
    // The committed fixture is the generator's output with other (discarded) keys: only envelopes differ.
    expect(shape(await readFile(path.join(REPO, REPLAY), 'utf8'))).toEqual(shape(replay));
    const committed = parse(await readFile(path.join(REPO, ISSUERS), 'utf8').then((t) => t.split('\n---\n')[0]!)) as { spec: object };
    expect(Object.keys(committed.spec)).toEqual(['keys', 'tenants', 'originators', 'maxLifetime', 'algorithms']);
  });
});

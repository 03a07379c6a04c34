import { copyFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPolicyDir } from '../../../src/validate/index.js';
import { REPO } from '../../helpers/cli.js';
import { API_RAILWAY, policy } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('misplaced-fixture', () => {
  let root = '';
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('warns about a Replay and a TestSuite under policies/, located at their kind, with help', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'blastguard-misplaced-'));
    await cp(path.join(REPO, 'policies'), path.join(root, 'policies'), { recursive: true });
    await copyFile(path.join(REPO, 'test', 'incidents', 'pocketos-volume-delete.yaml'), path.join(root, 'policies', 'incident.yaml'));
    await copyFile(path.join(REPO, 'test', 'policies', 'railway.yaml'), path.join(root, 'policies', 'platform', 'suite.yaml'));
    const result = await checkPolicyDir('policies', { cwd: root, now: new Date('2026-06-01T00:00:00Z') });
    const misplaced = result.diagnostics.filter((d) => d.code === 'BG062');
    expect(misplaced.map((d) => `${d.file}:${d.severity}`)).toEqual(['policies/incident.yaml:warning', 'policies/platform/suite.yaml:warning']);
    for (const d of misplaced) {
      expect(d.line).toBeGreaterThan(0);
      expect(d.help).toMatch(/test\/(incidents|policies)\//);
    }
    expect(result.errorCount).toBe(0);
  });

  it('is quiet about a policy directory without fixtures', () => {
    expect(check({ 'api.yaml': API_RAILWAY, 'p.yaml': policy('p', '    - id: r1', '      mode: allow') }, ['BG062'])).toEqual([]);
  });
});

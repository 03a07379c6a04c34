import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES, checkPolicyDir } from '../../src/validate/index.js';
import { CODES } from '../../src/diagnostics/codes.js';
import { whereIn } from '../helpers/diagnostics.js';
import { writeTree } from '../helpers/fs.js';
import { API_RAILWAY, policy } from '../helpers/policies.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('checkPolicyDir', () => {
  it('validates the example policy repository with zero errors', async () => {
    const result = await checkPolicyDir('policies', { cwd: REPO, now: new Date('2026-06-01T00:00:00Z') });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.errorCount).toBe(0);
    expect(result.set.apis.length).toBeGreaterThan(0);
  });

  it('merges load and rule diagnostics, sorted by file, line and column, with counts', async () => {
    const root = await writeTree({
      'p/b.yaml': policy('p', '    - id: r1', '      match: { operations: [volumeDelet] }', '      mode: allow').replace('api: railway', 'api: railway'),
      'p/a.yaml': API_RAILWAY.replace('graphql', 'grpc'),
      'p/c.yaml': policy('q', '    - id: r1', '      mode: allow').replace('api: railway', 'api: nope'),
    });
    const result = await checkPolicyDir('p', { cwd: root });
    // b.yaml refers to the invalid api: reported once, at the api, not again as undeclared.
    expect(whereIn(result.diagnostics)).toEqual(['p/a.yaml:BG023@5:13', 'p/c.yaml:BG040@5:8']);
    expect(result).toMatchObject({ errorCount: 2, warningCount: 0 });
  });

  it('has rules whose codes are all registered with a consistent default severity', () => {
    for (const rule of RULES) {
      for (const code of rule.codes) expect(CODES[code], `${rule.name} ${code}`).toBeDefined();
    }
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
  });
});

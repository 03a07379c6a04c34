// One edit of the example repository per test, each along one dimension of the decision space:
// the rows name the change exactly where it bites, and the facts say what moved.
import { beforeAll, describe, expect, it } from 'vitest';
import { diffDecisions, headline, renderHuman, type DiffReport } from '../../src/diff/index.js';
import type { Ir } from '../../src/ir/types.js';
import { clone, irOf, irWith, ruleOf } from './support.js';

let base: Ir;
beforeAll(async () => {
  base = await irOf();
});

const edit = (change: (ir: Ir) => void): DiffReport => {
  const head = clone(base);
  change(head);
  return diffDecisions(base, head);
};
const token = (ir: Ir, name: string): Ir['tokens'][number] => ir.tokens.find((t) => t.name === name)!;
const kinds = (r: DiffReport): string[] => r.facts.map((f) => f.kind);

describe('diffDecisions on the example repository', () => {
  it('finds nothing between a policy set and itself', () => {
    const r = diffDecisions(base, clone(base));
    expect(r.rows).toEqual([]);
    expect(r.facts).toEqual([]);
    expect(r.verdicts.every((v) => v.verdict === 'equivalent')).toBe(true);
    expect(headline(r)).toBe('✓ no decision changes');
    expect(headline(r, { replayRegressions: 0 })).toBe('✓ no decision changes · 0 incident replays regress');
  });

  it('token grant widened: the token may now call volumeDelete in staging (shadowed by the staging rule)', () => {
    const r = edit((ir) => token(ir, 'ci-domains').grants[0]!.operations.push('volumeDelete'));
    expect(kinds(r)).toEqual(['token-grant-widened']);
    const row = r.rows.find((x) => x.operation === 'volumeDelete' && x.direction === 'loosened');
    expect(row).toMatchObject({
      environment: ['staging'],
      token: ['ci-domains'],
      before: { mode: 'deny', rule: 'token:scope' },
      after: { mode: 'shadow', rule: 'railway-staging/destructive-in-staging' },
    });
    expect(row!.conditions.project).toEqual({ in: ['pocketos'] });
    expect(r.rows.every((x) => x.operation === 'volumeDelete' && x.token.join() === 'ci-domains')).toBe(true);
    expect(r.verdicts.find((v) => v.operation === 'volumeDelete')!.verdict).toBe('looser');
  });

  it('expiry moved later: the months in between are loosened for that token only', () => {
    const r = edit((ir) => {
      token(ir, 'staging-deploy').expires = '2028-01-01T00:00:00Z';
    });
    expect(r.facts).toEqual([expect.objectContaining({ kind: 'token-expiry-later', effect: 'loosens' })]);
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) {
      expect(row.token).toEqual(['staging-deploy']);
      expect(row.conditions.time).toEqual({ from: '2027-06-30T00:00:00Z', until: '2028-01-01T00:00:00Z' });
      expect(row.before.rule).toBe('token:expired');
    }
    expect(r.rows.some((x) => x.operation === 'serviceInstanceDeploy' && x.direction === 'loosened' && x.after.mode === 'allow')).toBe(true);
  });

  it('class lowered from destructive: a loosening, in the facts and the rows', async () => {
    // A token that may delete volumes in production, so that the class is what stands in the way.
    const grant = (set: Parameters<Parameters<typeof irWith>[0]>[0]): void => {
      set.tokens.find((t) => t.name === 'staging-deploy')!.value.spec.grants.push({ operations: ['volumeDelete'], environments: ['production'] });
    };
    const withGrant = await irWith(grant);
    const head = await irWith((set) => {
      grant(set);
      set.apis.find((a) => a.name === 'railway')!.value.spec.operations['volumeDelete']!.class = 'write';
    });
    const r = diffDecisions(withGrant, head);
    expect(r.facts[0]).toMatchObject({ kind: 'operation-class-changed', effect: 'loosens', subject: 'railway/volumeDelete' });
    const loosened = r.rows.filter((x) => x.direction === 'loosened');
    expect(loosened.length).toBeGreaterThan(0);
    expect(loosened.every((x) => x.operation === 'volumeDelete' && x.before.class === 'destructive' && x.after.class === 'write')).toBe(true);
    expect(loosened.some((x) => x.environment.includes('production') && x.before.rule === 'railway-production/no-destructive-in-production')).toBe(true);
    expect(r.summary.loosenedDestructive).toBe(r.summary.loosened);
    expect(headline(r)).toMatch(/^⚠ loosens \d+ decisions? .*destructive/);
  });

  it('panic flag: a flip to shadow-all comes first in the headline and the facts', () => {
    const r = edit((ir) => {
      ir.overrides = { enforcement: 'shadow-all', reason: 'enforcer misfires', expires: '2026-07-01T00:00:00Z' };
    });
    expect(r.overrides).toMatchObject({ flipped: true, before: { enforcement: 'normal' }, after: { enforcement: 'shadow-all' } });
    expect(r.facts[0]).toMatchObject({ kind: 'overrides-changed', effect: 'loosens' });
    expect(headline(r)).toMatch(/^⚠ panic flag normal → shadow-all · loosens \d+ decisions/);
    expect(renderHuman(r).split('\n')[0]).toBe(headline(r));
    // Only until the override expires, and only deny becomes shadow.
    for (const row of r.rows) {
      expect(row.conditions.time).toEqual({ from: null, until: '2026-07-01T00:00:00Z' });
      expect([row.before.mode, row.after.mode]).toEqual(['deny', 'shadow']);
    }
  });

  it('rule mode changed: deny → shadow changes only the deciding rule where tokens deny anyway', () => {
    const r = edit((ir) => {
      ruleOf(ir, 'railway-safety/backups-are-another-blast-radius').mode = 'shadow';
    });
    expect(r.facts).toEqual([expect.objectContaining({ kind: 'rule-mode-changed', effect: 'loosens' })]);
    // No token has a grant for backups, so every call stays denied: by the token finding now.
    expect(r.summary).toMatchObject({ loosened: 0, tightened: 0 });
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.rows.every((x) => x.before.rule === 'railway-safety/backups-are-another-blast-radius' && x.after.mode === 'deny')).toBe(true);
    expect(r.verdicts.find((v) => v.operation === 'volumeInstanceBackupScheduleUpdate')).toMatchObject({ verdict: 'equivalent' });

    const loosened = edit((ir) => {
      ruleOf(ir, 'railway-safety/backups-are-another-blast-radius').mode = 'shadow';
      ir.tokens.find((t) => t.name === 'staging-deploy')!.grants[0]!.operations.push('volumeInstanceBackupScheduleUpdate');
    });
    expect(loosened.rows.filter((x) => x.direction === 'loosened').map((x) => [x.operation, x.environment.join(), x.token.join(), x.after.rule])).toEqual([
      ['volumeInstanceBackupScheduleUpdate', 'staging', 'staging-deploy', 'railway-safety/backups-are-another-blast-radius'],
    ]);
  });

  it('rule reordered: the same modes, decided by the other rule where both match', () => {
    const r = edit((ir) => {
      const p = ir.policies.find((x) => x.name === 'railway-safety')!;
      [p.rules[0], p.rules[1]] = [p.rules[1]!, p.rules[0]!];
    });
    expect(kinds(r)).toEqual(['rule-reordered']);
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) {
      expect(row.direction).toBe('same-mode-other-rule');
      expect(row.before.rule).toBe('railway-safety/destructive-needs-originator');
      expect(row.after.rule).toBe('railway-safety/no-automatic-destructive-retries');
      expect(row.conditions.originator).toEqual({ in: [null] });
      expect(row.conditions.attempt).toEqual({ min: 2, max: 1_000_000_000 });
    }
    expect(r.summary).toMatchObject({ loosened: 0, tightened: 0 });
  });

  it('environment added: calls naming it are no longer assumed to be in production', () => {
    const r = edit((ir) => {
      ir.apis.find((a) => a.name === 'railway')!.environments.push('preview');
      ir.policies.find((p) => p.name === 'railway-staging')!.rules[0]!.match.environments!.push('preview');
    });
    expect(kinds(r)).toEqual(['api-changed', 'rule-match-changed']);
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.rows.every((x) => x.environment.join() === 'preview')).toBe(true);
    expect(r.apis.find((a) => a.name === 'railway')!.environments).toContain('preview');
    // ci-domains (and production-deploy) could act in `preview` while it was taken for production; their grants do not name preview.
    const tightened = r.rows.filter((x) => x.direction === 'tightened');
    expect(tightened.length).toBeGreaterThan(0);
    expect(tightened.every((x) => ['ci-domains', 'production-deploy'].includes(x.token.join()) && x.after.rule === 'token:scope')).toBe(true);
    expect(tightened.some((x) => x.operation === 'customDomainCreate' && x.before.rule === 'railway-production/production-domains')).toBe(true);
  });

  it('a new deny rule tightens, and a removed API denies everything it decided', () => {
    const tightened = edit((ir) => {
      const railway = ir.policies.find((p) => p.api === 'railway')!;
      railway.rules.push({ id: `${railway.name}/no-deploys`, mode: 'deny', reason: null, match: { operations: { any: false, names: ['serviceInstanceDeploy'], classes: [] }, environments: null, resources: null, tokens: null, identity: null, attempt: null } });
    });
    expect(tightened.summary.loosened).toBe(0);
    expect(tightened.rows.every((x) => x.operation === 'serviceInstanceDeploy')).toBe(true);
    expect(tightened.rows.some((x) => x.direction === 'tightened' && x.token.join() === 'staging-deploy' && x.environment.join() === 'staging')).toBe(true);
    expect(tightened.verdicts.find((v) => v.operation === 'serviceInstanceDeploy')!.verdict).toBe('tighter');
    expect(headline(tightened)).toMatch(/^✓ tightens \d+/);

    const removed = edit((ir) => {
      ir.apis = [];
    });
    expect(removed.facts.map((f) => f.kind)).toContain('api-removed');
    expect(removed.rows.every((x) => x.after.rule === 'api:unknown' && x.after.class === null)).toBe(true);
    expect(removed.summary.loosened).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { yaml } from '../../helpers/fs.js';
import { check } from '../../helpers/validate.js';

const overrides = (...spec: string[]) =>
  yaml('apiVersion: blastguard.dev/v1', 'kind: Overrides', 'metadata: { name: global }', 'spec:', ...spec);

describe('override-justification (now = 2026-06-01T00:00:00Z)', () => {
  it('requires reason and expires unless enforcement is normal', () => {
    const out = check({ 'o.yaml': overrides('  enforcement: lockdown') }, ['BG054', 'BG055']);
    expect(whereIn(out)).toEqual(['o.yaml:BG054@5:16']);
    expect(out[0]?.message).toBe('enforcement `lockdown` needs `reason` and `expires`');
  });

  it('reports only what is missing', () => {
    const out = check({ 'o.yaml': overrides('  enforcement: shadow-all', '  reason: rollout misfires') }, ['BG054']);
    expect(out[0]?.message).toBe('enforcement `shadow-all` needs `expires`');
  });

  it('warns when the override has expired', () => {
    const out = check(
      { 'o.yaml': overrides('  enforcement: shadow-all', '  reason: misfire', '  expires: 2026-05-01T00:00:00Z') },
      ['BG054', 'BG055'],
    );
    expect(whereIn(out)).toEqual(['o.yaml:BG055@7:12']);
    expect(out[0]?.severity).toBe('warning');
  });

  it('accepts normal without reason, and a justified override in the future', () => {
    expect(check({ 'o.yaml': overrides('  enforcement: normal') }, ['BG054', 'BG055'])).toEqual([]);
    expect(
      check({ 'o.yaml': overrides('  enforcement: lockdown', '  reason: incident', '  expires: 2026-06-02T00:00:00Z') }, ['BG054', 'BG055']),
    ).toEqual([]);
  });
});

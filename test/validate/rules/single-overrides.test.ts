import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { yaml } from '../../helpers/fs.js';
import { check } from '../../helpers/validate.js';

const overrides = (name: string) =>
  yaml('apiVersion: blastguard.dev/v1', 'kind: Overrides', `metadata: { name: ${name} }`, 'spec: { enforcement: normal }');

describe('single-overrides', () => {
  it('reports every Overrides after the first', () => {
    const out = check({ 'a.yaml': overrides('global'), 'b.yaml': overrides('other') }, ['BG053']);
    expect(whereIn(out)).toEqual(['b.yaml:BG053@2:7']);
    expect(out[0]?.message).toBe('more than one `Overrides` document; the first is at a.yaml:2');
  });

  it('accepts one', () => {
    expect(check({ 'a.yaml': overrides('global') }, ['BG053'])).toEqual([]);
  });
});

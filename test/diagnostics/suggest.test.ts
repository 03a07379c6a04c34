import { describe, expect, it } from 'vitest';
import { closest, editDistance, listCode } from '../../src/diagnostics/suggest.js';

describe('suggestions', () => {
  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it.each([
    ['opertions', ['operations', 'environments'], 'operations'],
    ['policy', ['Api', 'Policy', 'Token'], 'Policy'],
    ['denny', ['allow', 'shadow', 'deny'], 'deny'],
    ['denied', ['allow', 'shadow', 'deny'], 'deny'],
    ['prod', ['production', 'staging'], 'production'],
    ['volumeDelet', ['volumeCreate', 'volumeDelete'], 'volumeDelete'],
    ['xyz', ['operations', 'environments'], undefined],
    ['pro', ['production', 'protected'], undefined],
    ['ab', ['abc'], 'abc'],
    ['projectCreate', ['project', 'volumeDelete'], undefined],
  ])('%s among %j → %s', (input, candidates, expected) => {
    expect(closest(input, candidates)).toBe(expected);
  });

  it('lists values in backticks', () => {
    expect(listCode(['a'])).toBe('`a`');
    expect(listCode(['a', 'b', 'c'], 'or')).toBe('`a`, `b` or `c`');
  });
});

// `npm ci` prints EBADENGINE for every installed package whose `engines.node` leaves out the
// running Node. The lockfile says what gets installed, so check it against the Node versions this
// project supports: the CLI's runtime dependencies from 20.0, everything (vitest needs 20.19) on
// 20.19 and 24.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

type Version = [number, number, number];

function parse(v: string): Version {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split('.').map((x) => Number.parseInt(x, 10));
  return [a, b, c];
}

function cmp(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** One comparator of an npm range (`>=20`, `^20.19.0`, `20`, `<=0.7.0`, `*`). */
function satisfiesComparator(v: Version, comparator: string): boolean {
  const m = /^(>=|<=|>|<|\^|~|=)?\s*v?(\d+|\*|x)?(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(comparator);
  if (!m) throw new Error(`range comparator not understood: ${comparator}`);
  const [, op = '', major, minor, patch] = m;
  if (major === undefined || major === '*' || major === 'x') return true;
  const num = (s: string | undefined): number | undefined => (s === undefined || s === 'x' || s === '*' ? undefined : Number(s));
  const want: Version = [Number(major), num(minor) ?? 0, num(patch) ?? 0];
  switch (op) {
    case '>=': return cmp(v, want) >= 0;
    case '>': return cmp(v, want) > 0;
    case '<=': return cmp(v, want) <= 0;
    case '<': return cmp(v, want) < 0;
    case '^': return v[0] === want[0] && cmp(v, want) >= 0;
    case '~': return v[0] === want[0] && v[1] === want[1] && cmp(v, want) >= 0;
    default:
      if (num(minor) === undefined) return v[0] === want[0];
      if (num(patch) === undefined) return v[0] === want[0] && v[1] === want[1];
      return cmp(v, want) === 0;
  }
}

function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((part) => {
    const comparators = part.trim().replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1').split(/\s+/).filter((c) => c !== '');
    return comparators.every((c) => satisfiesComparator(v, c));
  });
}

interface LockPackage {
  engines?: { node?: string };
  dev?: boolean;
  optional?: boolean;
  os?: string[] | string;
  cpu?: string[] | string;
}

const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };

function unsupported(version: string, include: (p: LockPackage) => boolean): string[] {
  return Object.entries(lock.packages)
    .filter(([name, p]) => name !== '' && include(p) && p.engines?.node !== undefined && !satisfies(version, p.engines.node))
    .map(([name, p]) => `${name} requires node ${p.engines?.node ?? ''}`);
}

describe('the installed tree supports every Node the README promises', () => {
  it('reads npm ranges as npm does', () => {
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.18.9', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('20.20.2', '>=22')).toBe(false);
    expect(satisfies('24.0.0', '20 || >=22')).toBe(true);
    expect(satisfies('0.7.1', '>=0.6.11 <=0.7.0 || >=0.7.3')).toBe(false);
    expect(satisfies('20.0.0', '>= 0.8.0')).toBe(true);
    expect(satisfies('20.0.0', '*')).toBe(true);
  });

  it('the runtime dependencies from Node 20.0', () => {
    expect(unsupported('20.0.0', (p) => p.dev !== true)).toEqual([]);
  });

  it.each(['20.19.0', '24.0.0', process.versions.node])('everything on Node %s', (version) => {
    expect(unsupported(version, () => true)).toEqual([]);
  });
});

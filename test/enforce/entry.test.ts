// The package's library entry: `exports["."]` resolves to the built `dist/index.js` (with its
// declarations), which offers the enforcer and the functions it is configured with.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as entry from '../../src/index.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('library entry', () => {
  it('exports the enforcer and its configuration functions', () => {
    for (const name of ['createEnforcer', 'sourceForLocation', 'pull', 'openPersisted', 'loadVerificationKey', 'singleKeyConfig', 'ENFORCE_CODES']) {
      expect(typeof (entry as Record<string, unknown>)[name], name).not.toBe('undefined');
    }
  });

  it('points package.json exports at the built entry and its types', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: { '.': { types: string; default: string } } };
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    // `npm test` builds before it runs vitest.
    expect(existsSync(path.join(ROOT, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'dist', 'index.d.ts'))).toBe(true);
  });
});

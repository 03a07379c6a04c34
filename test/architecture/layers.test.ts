import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');

/**
 * The pipeline's layers and what each may import. Imports flow one way: core knows nothing of the
 * CLI, the Action or the network, and verification never imports signing.
 */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  schemas: [],
  diagnostics: ['core'],
  load: ['core', 'schemas', 'diagnostics'],
  validate: ['core', 'schemas', 'diagnostics', 'load'],
  ir: ['core', 'schemas', 'load'],
  evaluate: ['core', 'ir'],
  compile: ['core', 'ir'],
  bundle: ['core'],
  sign: ['core', 'bundle'],
  verify: ['core', 'bundle'],
  extract: ['core', 'schemas', 'ir'],
  diff: ['core', 'schemas', 'ir', 'evaluate'],
  replay: ['core', 'schemas', 'diagnostics', 'load', 'validate', 'ir', 'compile', 'bundle', 'extract'],
  cli: ['core', 'schemas', 'diagnostics', 'load', 'validate', 'ir', 'evaluate', 'compile', 'bundle', 'sign', 'verify', 'extract', 'replay', 'diff'],
};
/** Only the CLI talks to the outside world; no layer opens sockets. */
const NETWORK = /from 'node:(http|https|net|tls|dgram|http2)'|from '(undici|@actions\/[a-z]+)'/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'assembly' ? [] : tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(layer: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of tsFiles(path.join(SRC, layer))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), m[1]!)).split(path.sep)[0]!;
      if (target === layer) continue;
      found.set(target, [...(found.get(target) ?? []), path.relative(SRC, file)]);
    }
  }
  return found;
}

describe('layering', () => {
  it('every folder of src/ is a known layer', () => {
    const layers = readdirSync(SRC).filter((n) => statSync(path.join(SRC, n)).isDirectory());
    expect(layers.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(Object.entries(ALLOWED))('%s imports only %j', (layer, allowed) => {
    const illegal = [...importsOf(layer)].filter(([target]) => !allowed.includes(target)).map(([t, files]) => `${t} (from ${files.join(', ')})`);
    expect(illegal).toEqual([]);
  });

  it('no layer below the CLI reaches the network or GitHub', () => {
    const offenders = Object.keys(ALLOWED)
      .filter((l) => l !== 'cli')
      .flatMap((l) => tsFiles(path.join(SRC, l)))
      .filter((f) => NETWORK.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});

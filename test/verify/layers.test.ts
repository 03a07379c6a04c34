import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');

async function imports(layer: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(path.join(SRC, layer))) {
    if (!name.endsWith('.ts')) continue;
    const text = await readFile(path.join(SRC, layer, name), 'utf8');
    for (const m of text.matchAll(/from '(\.\.\/[^']+)'/g)) out.push(path.posix.normalize(`${layer}/${m[1]!}`).split('/')[0]!);
  }
  return [...new Set(out)].sort();
}

describe('layering', () => {
  it('bundle ← sign, bundle ← verify; verification never imports signing', async () => {
    expect(await imports('bundle')).toEqual(['core']);
    expect(await imports('sign')).toEqual(['bundle', 'core']);
    expect(await imports('verify')).toEqual(['bundle', 'core']);
  });
});

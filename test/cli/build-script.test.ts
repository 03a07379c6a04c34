import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { writeTree } from '../helpers/fs.js';

const scripts = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The runtime's freshness check inside `npm run build` (exit 0: current, skip the AssemblyScript build). */
const CHECK = /node -e "([^"]+)" \|\| node dist\/compile\/runtime\/build\.js/.exec(scripts['build'] ?? '')?.[1];

function runCheck(cwd: string): number {
  try {
    execFileSync(process.execPath, ['-e', CHECK ?? 'process.exit(2)'], { cwd, stdio: 'pipe' });
    return 0;
  } catch (e) {
    return (e as { status: number }).status;
  }
}

const SOURCES = {
  'src/compile/runtime/assembly/index.ts': 'export {};\n',
  'src/compile/runtime/assembly/engine/engine.ts': 'export {};\n',
  'dist/compile/runtime/build.js': '\n',
  'node_modules/assemblyscript/package.json': '{}\n',
};

async function age(root: string, rel: string, seconds: number): Promise<void> {
  const t = new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
  await utimes(path.join(root, rel), t, t);
}

describe('npm run build (and the demo that starts with it) rebuilds only what is stale', () => {
  it('compiles TypeScript incrementally and runs the demo through that build', () => {
    expect(scripts['build']).toMatch(/^tsc -b tsconfig\.build\.json && /);
    expect(scripts['demo']).toMatch(/^npm run build && /);
    expect(scripts['prepare']).toBe('npm run build');
    expect(CHECK).toBeDefined();
  });

  it('skips the runtime build only when the wasm is newer than every source it is built from', async () => {
    const root = await writeTree({ ...SOURCES, 'dist/runtime/blastguard.wasm': new Uint8Array([0]) });
    for (const rel of Object.keys(SOURCES)) await age(root, rel, 0);
    await age(root, 'dist/runtime/blastguard.wasm', 10);
    expect(runCheck(root)).toBe(0);
    // An edited AssemblyScript file, a rebuilt build script or a reinstalled compiler: rebuild.
    for (const rel of Object.keys(SOURCES)) {
      await age(root, rel, 20);
      expect(runCheck(root), rel).toBe(1);
      await age(root, rel, 0);
    }
  });

  it('builds when there is no runtime yet (a fresh clone) or a source is missing', async () => {
    expect(runCheck(await writeTree(SOURCES))).toBe(1);
    const { 'node_modules/assemblyscript/package.json': _, ...rest } = SOURCES;
    expect(runCheck(await writeTree({ ...rest, 'dist/runtime/blastguard.wasm': new Uint8Array([0]) }))).toBe(1);
  });
});

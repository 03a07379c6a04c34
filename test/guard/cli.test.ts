import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { guardArgs, guardRepo, requireBuiltCli, type GuardRepo } from './support.js';

// Flag mistakes stop `mcp-guard` before it starts anything: a coded error, a help line, no stack.
let repo: GuardRepo;

beforeAll(async () => {
  repo = await guardRepo();
}, 120_000);

const base = (): string[] => ['mcp-guard', '--bundle', repo.bundle, '--verification-key', repo.verificationKey, '--catalog', repo.catalog];

describe('mcp-guard flags', () => {
  it.each([
    ['no server and no --listen', ['--api', 'supabase-mcp'], 2, 'BG760', 'no mcp server to guard'],
    ['--listen without --upstream', ['--api', 'supabase-mcp', '--listen', '127.0.0.1:0'], 2, 'BG760', 'needs both --listen and --upstream'],
    ['both modes', ['--api', 'supabase-mcp', '--listen', '127.0.0.1:0', '--upstream', 'http://127.0.0.1:1/mcp', '--', 'node', 'x.mjs'], 2, 'BG760', 'not both'],
    ['a --listen that is not HOST:PORT', ['--api', 'supabase-mcp', '--listen', 'localhost', '--upstream', 'http://127.0.0.1:1/mcp'], 2, 'BG760', 'is not HOST:PORT'],
    ['an --upstream with credentials', ['--api', 'supabase-mcp', '--listen', '127.0.0.1:0', '--upstream', 'http://u:p@127.0.0.1:1/mcp'], 2, 'BG760', 'without credentials'],
    ['an api the catalog lacks', ['--api', 'railway', '--', 'node', 'x.mjs'], 1, 'BG760', 'has no mcp api `railway`'],
    ['an unset --token-env', ['--api', 'supabase-mcp', '--token-env', 'BG_TEST_UNSET_TOKEN', '--', 'node', 'x.mjs'], 1, 'BG760', 'is not set'],
  ])('refuses %s', async (_name, args, code, bg, text) => {
    const r = await runCli([...base(), ...args], { cwd: repo.dir });
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(bg);
    expect(r.stderr).toContain(text);
    expect(r.stderr).toContain('help:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('needs the catalog until bundles carry it', async () => {
    const r = await runCli(['mcp-guard', '--bundle', repo.bundle, '--verification-key', repo.verificationKey, '--api', 'supabase-mcp', '--', 'node', 'x.mjs'], { cwd: repo.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('BG760');
    expect(r.stderr).toContain('--catalog');
  });
});

describe('mcp-guard start failures (the built CLI)', () => {
  it('exits 1 with BG761 when the server command cannot be started', async () => {
    requireBuiltCli();
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [...guardArgs(repo), '--', '/nonexistent/mcp-server', '--stdio'], { input: '', encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('BG761');
    expect(r.stderr).toContain('/nonexistent/mcp-server');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

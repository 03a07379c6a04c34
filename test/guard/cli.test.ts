import { beforeAll, describe, expect, it } from 'vitest';
import { GUARD_CODES } from '../../src/guard/index.js';
import { runCli } from '../helpers/cli.js';
import { CREDENTIAL, guardArgs, guardRepo, requireBuiltCli, startChild, stopChild, type GuardRepo } from './support.js';

// Flag mistakes stop `mcp-guard` before it starts anything: a coded error, a help line, no stack.
let repo: GuardRepo;

beforeAll(async () => {
  repo = await guardRepo();
}, 120_000);

// The bundle carries its catalog; `--catalog` is only an override.
const base = (): string[] => ['mcp-guard', '--bundle', repo.bundle, '--verification-key', repo.verificationKey];

describe('mcp-guard flags', () => {
  it.each([
    ['no server and no --listen', ['--api', 'supabase-mcp'], 2, 'BG760', 'no mcp server to guard'],
    ['--listen without --upstream', ['--api', 'supabase-mcp', '--listen', '127.0.0.1:0'], 2, 'BG760', 'needs both --listen and --upstream'],
    ['both modes', ['--api', 'supabase-mcp', '--listen', '127.0.0.1:0', '--upstream', 'http://127.0.0.1:1/mcp', '--', 'node', 'x.mjs'], 2, 'BG760', 'not both'],
    ['a --listen that is not HOST:PORT', ['--api', 'supabase-mcp', '--listen', 'localhost', '--upstream', 'http://127.0.0.1:1/mcp'], 2, 'BG760', 'is not HOST:PORT'],
    ['an --upstream with credentials', ['--api', 'supabase-mcp', '--listen', '127.0.0.1:0', '--upstream', 'http://u:p@127.0.0.1:1/mcp'], 2, 'BG760', 'without credentials'],
    ['an api the catalog lacks', ['--api', 'railway', '--', 'node', 'x.mjs'], 1, 'BG760', 'has no mcp api `railway`'],
    ['an --upstream-timeout past one day', ['--api', 'supabase-mcp', '--listen', '127.0.0.1:0', '--upstream', 'http://127.0.0.1:1/mcp', '--upstream-timeout', '3000000'], 2, 'BG760', 'more than 86400 seconds'],
    ['--upstream-timeout in stdio mode', ['--api', 'supabase-mcp', '--upstream-timeout', '600', '--', 'node', 'x.mjs'], 2, 'BG760', 'is for http mode'],
    ['an unset --token-env', ['--api', 'supabase-mcp', '--token-env', 'BG_TEST_UNSET_TOKEN', '--', 'node', 'x.mjs'], 1, 'BG760', 'is not set'],
  ])('refuses %s', async (_name, args, code, bg, text) => {
    const r = await runCli([...base(), ...args], { cwd: repo.dir });
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(bg);
    expect(r.stderr).toContain(text);
    expect(r.stderr).toContain('help:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('checks an overriding --catalog before starting anything', async () => {
    const r = await runCli([...base(), '--catalog', repo.catalog, '--api', 'railway', '--', 'node', 'x.mjs'], { cwd: repo.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('BG760');
    expect(r.stderr).toContain('has no mcp api `railway`');
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

describe('mcp-guard --upstream-timeout (the built CLI)', () => {
  it('answers a call the upstream has not answered within the time-out with 504 BG765 carrying its id', async () => {
    requireBuiltCli();
    const { createServer } = await import('node:http');
    // A json-response server still running the tool call.
    const slow = createServer((req) => req.resume());
    const port = await new Promise<number>((resolve) => slow.listen(0, '127.0.0.1', () => resolve((slow.address() as { port: number }).port)));
    const g = await startChild(process.execPath, guardArgs(repo, ['--listen', '127.0.0.1:0', '--upstream', `http://127.0.0.1:${port}/mcp`, '--upstream-timeout', '0.5']), /at (http:\/\/\S+)/, 'stderr');
    try {
      const body = { jsonrpc: '2.0', id: 'call-7', method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 1' } } };
      const r = await fetch(g.match[1]!, { method: 'POST', headers: { authorization: `Bearer ${CREDENTIAL}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(r.status).toBe(504);
      expect(await r.json()).toMatchObject({ id: 'call-7', error: { data: { code: GUARD_CODES.upstreamFailed } } });
      expect(g.output()).toContain(`${GUARD_CODES.upstreamFailed} refused message id "call-7"`);
    } finally {
      await stopChild(g.child);
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});

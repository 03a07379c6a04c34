// The done-when: a week of decision logs with a known mix (decided by the example
// policies' real bundle) → the report names the promotion candidates, unused grants and the burst;
// `promote` makes a one-line YAML diff whose policy-diff comment shows exactly the tightening.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../src/enforce/event.js';
import type { InsightReport } from '../../src/insight/index.js';
import { renderDiffMarkdown } from '../../src/report/index.js';
import { checkPolicies, diffPolicies, loadTestBundle } from '../../src/toolchain/index.js';
import { git, scratchRepo } from '../action/support.js';
import { runCli, REPO } from '../helpers/cli.js';
import { BURST_START, weekOfEvents } from '../helpers/decision-logs.js';

const UNEXPECTED = ['--unexpected', 'originator:agent-*', '--unexpected', 'tenant:sandbox'];
const NOW = new Date('2026-11-30T12:00:00Z');
let work: string;
let events: DecisionEvent[];
let logs: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-week-'));
  const checked = await checkPolicies({ dir: 'policies', cwd: REPO, now: NOW });
  const engine = await (await loadTestBundle(checked.ir!)).engineFor(null);
  events = weekOfEvents((input) => engine.decide(input));
  // As they reach a team: the enforcer's JSONL for the first days, collector uploads (gzip JSON arrays) after.
  logs = path.join(work, 'logs');
  await mkdir(path.join(logs, 'uploads'), { recursive: true });
  const split = Math.floor(events.length / 2);
  await writeFile(path.join(logs, 'decisions.jsonl'), events.slice(0, split).map((e) => JSON.stringify(e)).join('\n') + '\n');
  for (let i = split, n = 0; i < events.length; i += 50, n++) {
    await writeFile(path.join(logs, 'uploads', `chunk-${String(n).padStart(3, '0')}.json.gz`), gzipSync(JSON.stringify(events.slice(i, i + 50))));
  }
}, 60_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function report(...extra: string[]): Promise<InsightReport> {
  const run = await runCli(['report', '--logs', logs, '--format', 'json', ...UNEXPECTED, ...extra], { cwd: REPO });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as InsightReport;
}

describe('a week of decision logs', () => {
  it('names the promotion candidates and the noisy rule', async () => {
    const r = await report();
    expect(r.read.events).toBe(events.length);
    expect(r.read.bad).toBe(0);
    expect(r.candidates.filter((c) => c.why === 'unexpected-only').map((c) => c.rule)).toEqual(['railway-production/production-writes-need-originator']);
    expect(r.candidates.find((c) => c.why === 'unexpected-only')!.wouldDeny).toBe(20);
    // Declared shadow rules that never fired are candidates too.
    expect(r.candidates.filter((c) => c.why === 'no-hits').map((c) => c.rule)).toEqual(['aws-s3-safety/staging-deletes-are-logged', 'cloudflare-addressing/cleanup-automation-in-shadow', 'github-repositories/repo-settings-need-originator']);
    expect(r.noisy).toEqual([expect.objectContaining({ rule: 'railway-staging/destructive-in-staging', wouldDeny: 36, expected: 28 })]);
    const staging = r.rules.find((x) => x.id === 'railway-staging/destructive-in-staging')!;
    expect(staging.callers.originators).toEqual({ count: 2, exact: true });
    expect(staging.firstSeen).toBe('2026-11-23T00:09:00.000Z');
  });

  it('names the unused grants and the calls a narrower grant would deny', async () => {
    const r = await report();
    const deploy = r.tokens.find((t) => t.token === 'staging-deploy')!;
    expect(deploy.unused).toEqual(['backboard.up', 'deploymentRestart', 'deploymentRollback', 'serviceInstanceDeployV2', 'variableCollectionUpsert']);
    expect(deploy.narrowerDenies.calls).toBe(0);
    const domains = r.tokens.find((t) => t.token === 'ci-domains')!;
    expect(domains.unused).toEqual(['serviceDomainCreate']);
    expect(domains.narrowerDenies).toEqual({ operations: ['customDomainUpdate', 'serviceDomainDelete'], calls: 25 });
    expect(domains.suggested).toEqual(['customDomainCreate', 'customDomainDelete']);
    expect(r.idleTokens.map((t) => t.token)).toContain('addressing-cleanup');
  });

  it('finds the runaway agent as one burst, by originator and by token', async () => {
    const r = await report();
    expect(r.bursts.map((b) => b.actor).sort()).toEqual(['originator:agent-7', 'token:ci-domains']);
    const agent = r.bursts.find((b) => b.actor === 'originator:agent-7')!;
    expect(agent).toMatchObject({ startMs: BURST_START, calls: 15, resources: 15, denied: 7, operations: ['customDomainDelete', 'serviceDomainDelete'] });
  });

  it('reads the window it is given, and the same logs from standard input', async () => {
    const r = await report('--since', '2026-11-26T00:00:00Z', '--until', '2026-11-27T00:00:00Z');
    expect(r.read.outsideWindow).toBeGreaterThan(0);
    expect(r.read.events).toBe(events.filter((e) => e.timestamp >= '2026-11-26' && e.timestamp < '2026-11-27').length);
    const stdin = await runCli(['report', '--logs', '-', '--format', 'json', ...UNEXPECTED], { cwd: REPO, stdin: events.map((e) => JSON.stringify(e)).join('\n') });
    const whole = JSON.parse(stdin.stdout) as InsightReport;
    expect(whole.read.events).toBe(events.length);
    expect(whole.candidates).toEqual((await report()).candidates);
  });

  it('markdown and human reports carry the same evidence', async () => {
    const md = await runCli(['report', '--logs', logs, '--format', 'markdown', ...UNEXPECTED], { cwd: REPO });
    expect(md.stdout).toContain('### Promotion candidates');
    expect(md.stdout).toMatch(/\| `railway-production\/production-writes-need-originator` \| 20 \| all 20 would-deny from unexpected callers/);
    expect(md.stdout).toContain('`originator:agent-7`');
    const human = await runCli(['report', '--logs', logs, ...UNEXPECTED], { cwd: REPO });
    expect(human.stdout).toContain('never used: backboard.up, deploymentRestart, deploymentRollback, serviceInstanceDeployV2, variableCollectionUpsert');
  });

  it('promote makes a one-line diff whose policy-diff comment shows exactly the tightening, and test --logs counts its impact', async () => {
    const { root, base } = await scratchRepo(work);
    const r = await report();
    const rule = r.candidates.find((c) => c.why === 'unexpected-only')!.rule;
    const promoted = await runCli(['promote', rule], { cwd: root });
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toBe(`${path.join('policies', 'platform', 'railway-production.yaml')}:18: ${rule} shadow → deny\n`);
    const patch = git(root, 'diff', '--unified=0');
    expect(patch.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toEqual(['-      mode: shadow', '+      mode: deny']);

    const diff = await diffPolicies({ cwd: root, dir: 'policies', base, now: NOW });
    expect(diff.report!.summary.loosened).toBe(0);
    expect(diff.report!.summary.tightened).toBeGreaterThan(0);
    const changedRules = new Set(diff.report!.rows.map((row) => row.after.rule));
    expect([...changedRules]).toEqual([rule]);
    // Every changed row now denies under the promoted rule: shadow → deny, or a deny it now also decides.
    expect(diff.report!.rows.every((row) => row.after.mode === 'deny' && row.after.rule === rule && row.before.mode !== 'allow')).toBe(true);
    expect(diff.report!.rows.some((row) => row.before.mode === 'shadow')).toBe(true);
    const comment = renderDiffMarkdown(diff);
    expect(comment).toContain(rule);
    expect(comment).not.toMatch(/loosen/i);

    const replay = await runCli(['test', '--dir', 'policies', '--tests', 'test', '--logs', logs], { cwd: root });
    expect(replay.stdout).toContain(`this change would have denied 20 of the ${events.filter((e) => e.result.mode !== 'deny').length} logged calls let through`);
    expect(replay.stdout).toContain(`railway/customDomainUpdate: shadow → deny (${rule}) ×20`);
    const yaml = await readFile(path.join(root, 'policies', 'platform', 'railway-production.yaml'), 'utf8');
    expect(yaml).toContain('description: Shadow first; promote to deny once decision logs show every legitimate caller sends baggage.');
  }, 120_000);

  it('narrow-token drops the never-used grants in place: one list changes, nothing else', async () => {
    const { root } = await scratchRepo(work);
    const dry = await runCli(['narrow-token', 'staging-deploy', '--logs', logs], { cwd: root });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('never used (pass --drop-unused to drop): backboard.up, serviceInstanceDeployV2, deploymentRestart, deploymentRollback, variableCollectionUpsert');
    expect(git(root, 'status', '--porcelain')).toBe('');
    const run = await runCli(['narrow-token', 'staging-deploy', '--logs', logs, '--drop-unused'], { cwd: root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const patch = git(root, 'diff', '--unified=0');
    expect(patch.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toEqual([
      '-    - operations: [backboard.up, serviceInstanceDeploy, serviceInstanceDeployV2, serviceInstanceRedeploy, deploymentRedeploy, deploymentRestart, deploymentRollback, variableUpsert, variableCollectionUpsert]',
      '+    - operations: [serviceInstanceDeploy, serviceInstanceRedeploy, deploymentRedeploy, variableUpsert]',
    ]);
    const unknown = await runCli(['narrow-token', 'nobody', '--logs', logs], { cwd: root });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/error BG863 /);
    const validates = await runCli(['validate', '--dir', 'policies'], { cwd: root });
    expect(validates.code).toBe(0);
  }, 60_000);
});

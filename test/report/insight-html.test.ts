// The HTML decision-log report, rendered by a real headless Chromium: the charts are drawn (bars
// per bucket, per rule and per token), the evidence tables are visible — asserted on the page.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportLogs, type InsightReport, type LogSource } from '../../src/insight/index.js';
import { renderInsightHtml } from '../../src/report/index.js';
import { checkPolicies, loadTestBundle } from '../../src/toolchain/index.js';
import { REPO } from '../helpers/cli.js';
import { weekOfEvents } from '../helpers/decision-logs.js';
import { binary } from '../distribute/fixtures.js';

const CHROMIUM = binary('/usr/bin/chromium', 'chromium');
// In CI the binary must be there: the test then runs and fails loudly if it is not.
const missing = CHROMIUM.skip;

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let profile: string;
let context: BrowserContext | undefined;
let report: InsightReport;

beforeAll(async () => {
  if (missing) return;
  const checked = await checkPolicies({ dir: 'policies', cwd: REPO, now: new Date('2026-11-30T12:00:00Z') });
  const engine = await (await loadTestBundle(checked.ir!)).engineFor(null);
  const text = weekOfEvents((input) => engine.decide(input)).map((e) => JSON.stringify(e)).join('\n');
  const source: LogSource = {
    name: 'week.jsonl',
    async *open() {
      yield new TextEncoder().encode(text);
    },
  };
  report = await reportLogs([source], { ir: checked.ir, unexpected: ['originator:agent-*', 'tenant:sandbox'] });
  profile = await mkdtemp(path.join(tmpdir(), 'blastguard-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM.path, headless: true, args: FLAGS });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

describe.skipIf(missing)('HTML report in headless Chromium', () => {
  it('draws would-deny and deny over time per rule and per token, and shows the evidence', async () => {
    const page = await context!.newPage();
    // Nothing may leave the page: the report is self-contained.
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(renderInsightHtml(report), { waitUntil: 'load' });

    const buckets = report.timeline.buckets.length;
    expect(buckets).toBeGreaterThan(100);
    const ruleCharts = page.locator('#rule-charts figure.series');
    expect(await ruleCharts.count()).toBe(report.timeline.rules.length);
    const staging = page.locator('figure.series[data-kind="rule"][data-name="railway-staging/destructive-in-staging"]');
    await expect.poll(() => staging.isVisible()).toBe(true);
    expect(await staging.locator('g.bucket').count()).toBe(buckets);
    const stagingSeries = report.timeline.rules.find((s) => s.name === 'railway-staging/destructive-in-staging')!;
    expect(await staging.locator('rect.bar-would-deny').count()).toBe(stagingSeries.wouldDeny.filter((n) => n > 0).length);
    // The burst hour: production deletes denied, drawn as red bars with height on the page.
    const denied = page.locator('figure.series[data-name="railway-production/no-destructive-in-production"] rect.bar-deny');
    expect(await denied.count()).toBe(1);
    const box = await denied.first().boundingBox();
    expect(box!.height).toBeGreaterThan(10);

    const tokenCharts = page.locator('#token-charts figure.series');
    expect(await tokenCharts.count()).toBe(2);
    expect(await page.locator('#token-charts figure.series[data-name="ci-domains"] rect.bar-deny').count()).toBe(1);

    await expect.poll(() => page.locator('#candidates').getByText('railway-production/production-writes-need-originator').isVisible()).toBe(true);
    await expect.poll(() => page.locator('#bursts').getByText('originator:agent-7').isVisible()).toBe(true);
    expect(await page.locator('#tokens tr').count()).toBe(3);
    expect(await page.locator('#summary').innerText()).toContain('427 decisions');
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });
});

// The decision-log section of `npm run bench`: `blastguard report` over 1,000,000 generated
// decision events (the enforcer's JSONL, ~950 bytes an event) — goal ≤ 10 s on 2 cores and
// ≤ 300 MB resident — next to the floor of the same run (reading the lines; reading and
// JSON.parse of every line) and of the report on one thread. Each row runs in its own process so
// its peak RSS (all its threads) is its own.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';

export const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const OPS = ['serviceInstanceDeploy', 'deploymentRedeploy', 'variableUpsert', 'customDomainCreate', 'customDomainUpdate', 'customDomainDelete', 'serviceDomainDelete', 'volumeDelete', 'project', 'deployments'];
const CLASS: Record<string, string> = { customDomainDelete: 'destructive', serviceDomainDelete: 'destructive', volumeDelete: 'destructive', project: 'read', deployments: 'read' };

function fp(i: number): string {
  return `sha256:${i.toString(16).padStart(64, '0')}`;
}

/** One enforcer event (EventV1 with a blastguard decision), as `buildEvent` lays it out. */
function line(i: number, t: number): string {
  const op = OPS[i % OPS.length]!;
  const cls = CLASS[op] ?? 'write';
  const env = i % 3 === 0 ? 'production' : 'staging';
  const shadow = cls !== 'read' && i % 7 === 0;
  const deny = cls === 'destructive' && env === 'production';
  const mode = deny ? 'deny' : shadow ? 'shadow' : 'allow';
  const rule = deny ? 'railway-production/no-destructive-in-production' : shadow ? `railway-staging/rule-${i % 40}` : 'railway-staging/staging-deploys';
  const violations = mode === 'allow' ? '[]' : `[{"kind":"rule","rule":"${rule}","mode":"${mode}"}]`;
  const stamp = new Date(t).toISOString();
  return (
    `{"labels":{"id":"enforcer-1","version":"0.1.0"},"decision_id":"${randomUUID()}","bundles":{"blastguard":{"revision":"rev-1"}},"path":"blastguard/decision",` +
    `"input":{"api":"railway","operation":{"name":"${op}","type":"mutation"},"resource":{"kind":"service","id":"res-${i % 50_000}","environment":"${env}","project":"pocketos"},` +
    `"token":{"fingerprint":"${fp(i % 5_000)}"},"identity":{"originator":"user-${i % 2_000}","tenant":"tenant-${i % 300}"},"attempt":1,"time":"${stamp}"},` +
    `"result":{"allow":${mode !== 'deny'},"class":"${cls}","enforced":${mode === 'deny'},"enforcement":"normal","environment":"${env}","environment_assumed":false,"mode":"${mode}","reasons":["a reason for the decision"],"rule":"${rule}","violations":${violations},"would_deny":${mode !== 'allow'}},` +
    `"timestamp":"${stamp}","metrics":{"timer_blastguard_decide_ns":41000}}\n`
  );
}

/** Writes `count` events (a week of them) to `file`; returns its size in bytes. */
export async function generate(file: string, count = EVENTS): Promise<number> {
  const out = createWriteStream(file);
  const t0 = Date.parse('2026-11-23T00:00:00Z');
  const step = (7 * 86_400_000) / count;
  let batch = '';
  for (let i = 0; i < count; i++) {
    batch += line(i, Math.floor(t0 + i * step));
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
  return (await stat(file)).size;
}

/** Runs `body` (an ES module text) in a fresh Node; it prints one JSON line with its result. */
function child(root: string, body: string): { ms: number; cpuMs: number; maxRssMiB: number; events: number } {
  const script = `${body}\nconst cpu = process.cpuUsage();\nconsole.log(JSON.stringify({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, events }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; cpuMs: number; maxRssMiB: number; events: number };
}

export async function benchInsight(root: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'blastguard-bench-logs-'));
  try {
    const file = path.join(dir, 'decisions.jsonl');
    const bytes = await generate(file);
    const f = JSON.stringify(file);
    const insight = JSON.stringify(path.join(root, 'dist', 'insight', 'index.js'));
    const rows: [string, ReturnType<typeof child>][] = [
      ['read the lines only (floor)', child(root, `import { createReadStream } from 'node:fs'; const t0 = performance.now(); let events = 0; let carry = ''; for await (const c of createReadStream(${f}, { encoding: 'utf8', highWaterMark: 1 << 20 })) { const s = carry + c; let a = 0; for (let i = s.indexOf('\\n'); i >= 0; i = s.indexOf('\\n', a)) { events++; a = i + 1; } carry = s.slice(a); }`)],
      ['read + JSON.parse every line', child(root, `import { createReadStream } from 'node:fs'; const t0 = performance.now(); let events = 0; let carry = ''; for await (const c of createReadStream(${f}, { encoding: 'utf8', highWaterMark: 1 << 20 })) { const s = carry + c; let a = 0; for (let i = s.indexOf('\\n'); i >= 0; i = s.indexOf('\\n', a)) { if (JSON.parse(s.slice(a, i)).decision_id) events++; a = i + 1; } carry = s.slice(a); }`)],
      ['blastguard report, one thread (threads: 0, the reading thread parses)', child(root, `import { logSources, reportLogs } from ${insight}; const t0 = performance.now(); const r = await reportLogs(await logSources([${f}], { cwd: '/' }), { ir: null, unexpected: ['originator:user-1*'], threads: 0 }); const events = r.read.events;`)],
      ['blastguard report (default: a parse worker beside the folding thread)', child(root, `import { logSources, reportLogs } from ${insight}; const t0 = performance.now(); const r = await reportLogs(await logSources([${f}], { cwd: '/' }), { ir: null, unexpected: ['originator:user-1*'] }); const events = r.read.events;`)],
    ];
    const report = rows[3]![1];
    const two = child(root, `import { logSources, reportLogs } from ${insight}; const t0 = performance.now(); const r = await reportLogs(await logSources([${f}], { cwd: '/' }), { ir: null, unexpected: ['originator:user-1*'], threads: 2 }); const events = r.read.events;`);
    rows.push(['blastguard report, 2 parse workers (threads: 2)', two]);
    return [
      `Decision-log report over ${EVENTS.toLocaleString('en-US')} generated events (${(bytes / 2 ** 20).toFixed(0)} MiB JSONL, 5,000 tokens, 2,000 originators, 300 tenants), ${cpus().length} cores, one process each:`,
      '',
      '| run | events | wall s | CPU s (process, all threads) | peak RSS MiB |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows.map(([name, r]) => `| ${name} | ${r.events.toLocaleString('en-US')} | ${(r.ms / 1000).toFixed(2)} | ${(r.cpuMs / 1000).toFixed(2)} | ${r.maxRssMiB.toFixed(0)} |`),
      '',
      `Goal: report ≤ 10 s and ≤ 300 MB — ${report.ms <= 10_000 && report.maxRssMiB <= 300 ? 'met' : 'NOT met'} (${(report.ms / 1000).toFixed(2)} s wall, ${(report.cpuMs / 1000).toFixed(2)} s CPU, ${report.maxRssMiB.toFixed(0)} MiB; load average ${loadavg()[0]!.toFixed(1)} at the end: on a busy machine the wall time is the CPU time stretched by the wait).`,
      '',
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `node dist/bench/insight.mjs`: this section alone. */
if (process.argv[1]?.endsWith('insight.mjs')) {
  const root = path.resolve(path.dirname(process.argv[1]), '..', '..');
  for (const l of await benchInsight(root)) console.log(l);
}

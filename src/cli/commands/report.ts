import { Option } from 'commander';
import type { Command } from 'commander';
import { reportLogs } from '../../insight/index.js';
import { renderInsightHtml, renderInsightHuman, renderInsightJson, renderInsightMarkdown } from '../../report/index.js';
import { parseCount, parseInstant } from '../command.js';
import type { CliIo, CommandModule } from '../command.js';
import { collect, parseDuration, policySetFor, sourcesOf, warningPrinter } from '../log-flags.js';

interface ReportFlags {
  logs: string[];
  dir: string;
  since?: Date;
  until?: Date;
  format: 'human' | 'markdown' | 'json' | 'html';
  unexpected?: string[];
  burstWindow?: number;
  burstThreshold?: number;
  maxBadLines?: number;
  threads?: number;
}

const EXAMPLES = `
Examples:
  $ blastguard report --logs /var/log/blastguard/decisions.jsonl
  $ blastguard report --logs logs/ --since 2026-11-23T00:00:00Z --unexpected "originator:agent-*"
  $ zcat uploads/*.json.gz | blastguard report --logs - --format markdown
  $ blastguard report --logs logs/ --format html > report.html

--logs takes JSON lines (the enforcer's file), gzip JSON arrays (as uploaded to a collector), a
directory of them, or - for standard input; it may be repeated. Memory stays bounded whatever the
log size: distinct counts are exact up to 64 values, then HyperLogLog estimates (shown as ~N).

A promotion candidate is a shadow rule whose would-deny hits in the window came only from callers
marked --unexpected (originator:GLOB, tenant:GLOB, token:GLOB, or a bare originator GLOB), or that
had none. A burst is a token or originator making --burst-threshold distinct destructive calls
(operation x resource) within --burst-window.

Events are read as OPA writes them (timestamps with any offset, to the nanosecond; CRLF, a byte
order mark, blank lines). An event of another policy (a result that is not a decision, no result,
an evaluation error) or a server log record is set aside and counted by path, never an error. A
decision id seen again (a retried upload or write) counts once: the last 131,072 ids are
remembered. A bad line (not JSON, not an event, no RFC 3339 timestamp, cut short at the end of a
file, or longer than 8 MiB) is skipped with a file:line warning; the first 20 are printed and
listed in --format json (read.badSamples).

Exit status: 0 the report was written (bad lines are warnings), 1 an unreadable log, a gzip that
does not decompress, more bad lines than --max-bad-lines, or an invalid policy set, 2 usage.
`;

async function run(flags: ReportFlags, explicitDir: boolean, io: CliIo): Promise<number> {
  const policies = await policySetFor(io, flags.dir, explicitDir);
  if (!policies.ok) return 1;
  const sources = await sourcesOf(io, flags.logs);
  const warnings = warningPrinter(io);
  const report = await reportLogs(sources, {
    ir: policies.ir,
    ...(flags.since === undefined ? {} : { sinceMs: flags.since.getTime() }),
    ...(flags.until === undefined ? {} : { untilMs: flags.until.getTime() }),
    unexpected: flags.unexpected ?? [],
    bursts: {
      ...(flags.burstWindow === undefined ? {} : { windowMs: flags.burstWindow }),
      ...(flags.burstThreshold === undefined ? {} : { threshold: flags.burstThreshold }),
    },
    ...(flags.maxBadLines === undefined ? {} : { maxBadLines: flags.maxBadLines }),
    ...(flags.threads === undefined ? {} : { threads: Math.min(flags.threads, 8) }),
    onWarning: warnings.onWarning,
  });
  warnings.finish();
  const render = { human: renderInsightHuman, markdown: renderInsightMarkdown, json: renderInsightJson, html: renderInsightHtml }[flags.format];
  io.stdout(render(report));
  return 0;
}

export const reportCommand: CommandModule = {
  name: 'report',
  register(program: Command, io: CliIo, setExit: (code: number) => void): void {
    const command = program
      .command('report')
      .description('Summarise decision logs: per rule and operation, promotion candidates, noisy rules, unused token grants and bursts')
      .requiredOption('--logs <path>', 'decision-log file, directory, or - for standard input (repeatable)', collect)
      .option('--dir <dir>', 'policy directory (rule modes, token names and grants)', 'policies')
      .option('--since <time>', 'only decisions at or after this RFC 3339 time', parseInstant)
      .option('--until <time>', 'only decisions before this RFC 3339 time', parseInstant)
      .addOption(new Option('--format <format>', 'output format').choices(['human', 'markdown', 'json', 'html']).default('human'))
      .option('--unexpected <pattern>', 'callers whose would-deny hits support promotion (repeatable)', collect)
      .option('--burst-window <duration>', 'sliding window of the burst detector (default 5m)', parseDuration)
      .option('--burst-threshold <n>', 'distinct destructive calls in one window that make a burst (default 5)', parseCount)
      .option('--max-bad-lines <n>', 'stop after this many bad lines (default 1000)', parseCount)
      .option('--threads <n>', 'worker threads that parse the logs (default 1 on two cores or more; 0 reads on one thread)', parseCount)
      .addHelpText('after', EXAMPLES)
      .action(async (flags: ReportFlags) => {
        setExit(await run(flags, command.getOptionValueSource('dir') !== 'default', io));
      });
  },
};

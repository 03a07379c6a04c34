import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { formatGithub, formatHumanResults, formatHumanVerdict, formatJson, formatJunit } from '../../report/index.js';
import type { TestFormat } from '../../report/index.js';
import { checkPolicies, parsePercent, replayLogs, runTests } from '../../toolchain/index.js';
import { renderLogReplayHuman } from '../../report/index.js';
import { collect, sourcesOf, warningPrinter } from '../log-flags.js';
import { errnoText, parseInstant, printDiagnostics, useColor } from '../command.js';
import { escape } from '../../core/untrusted.js';
import type { CliIo, CommandModule } from '../command.js';
import { TEST_CODES } from '../../replay/codes.js';

interface TestFlags {
  dir: string;
  tests: string;
  fixture?: string;
  step?: string;
  junit?: string;
  format: TestFormat;
  minCoverage?: number;
  now?: Date;
  logs?: string[];
  since?: Date;
  until?: Date;
}

/** Commander parser for `--min-coverage` (a bad value is a usage error, exit 2). */
export function parseCoverage(value: string): number {
  const n = parsePercent(value);
  if (n === undefined) throw new InvalidArgumentError('must be a percentage from 0 to 100, e.g. 90');
  return n;
}

async function run(flags: TestFlags, io: CliIo): Promise<number> {
  const report = await runTests({
    dir: flags.dir,
    tests: flags.tests,
    cwd: io.cwd,
    minCoverage: flags.minCoverage ?? null,
    ...(flags.fixture === undefined ? {} : { fixture: flags.fixture }),
    ...(flags.step === undefined ? {} : { step: flags.step }),
    ...(flags.now === undefined ? {} : { now: flags.now }),
  });
  if (flags.format === 'json') io.stdout(formatJson(report));
  else if (flags.format === 'github') io.stdout(formatGithub(report));
  else {
    const color = useColor(io, 'stdout');
    io.stdout(formatHumanResults(report, { color }));
    // Diagnostics go where every command prints them (stderr for people); the verdict comes last.
    printDiagnostics(io, report.diagnostics, 'human', report.sources, { maxErrors: 0 });
    io.stdout(formatHumanVerdict(report, { color }));
  }
  if (flags.junit !== undefined) {
    const target = path.resolve(io.cwd, flags.junit);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, formatJunit(report));
    } catch (e) {
      throw new BlastguardError(TEST_CODES.junitUnwritable, `cannot write the junit report \`${escape(flags.junit)}\`: ${errnoText(e)}`, {
        file: escape(flags.junit),
        help: 'pass a --junit path in a writable directory; the results above are complete without it',
        cause: e,
      });
    }
  }
  if (flags.logs !== undefined && flags.logs.length > 0) await replayLogged(flags, io);
  return report.ok ? 0 : 1;
}

/** `--logs`: the logged inputs decided again by the head's bundle; flips are reported, never a failure. */
async function replayLogged(flags: TestFlags, io: CliIo): Promise<void> {
  const checked = await checkPolicies({ dir: flags.dir, cwd: io.cwd, ...(flags.now === undefined ? {} : { now: flags.now }) });
  if (checked.ir === null) return;
  const warnings = warningPrinter(io);
  const replay = await replayLogs(checked.ir, await sourcesOf(io, flags.logs!), {
    ...(flags.since === undefined ? {} : { sinceMs: flags.since.getTime() }),
    ...(flags.until === undefined ? {} : { untilMs: flags.until.getTime() }),
    onWarning: warnings.onWarning,
  });
  warnings.finish();
  // Machine formats keep stdout one document: the replay summary goes to stderr beside the diagnostics.
  if (flags.format === 'human') io.stdout(renderLogReplayHuman(replay));
  else io.stderr(renderLogReplayHuman(replay));
}

export const testCommand: CommandModule = {
  name: 'test',
  register(program: Command, io: CliIo, setExit: (code: number) => void): void {
    program
      .command('test')
      .description('Validate the policies, build the bundle in memory, and run every incident replay and decision test against its Wasm')
      .option('--dir <dir>', 'policy directory', 'policies')
      .option('--tests <path>', 'directory searched recursively for Replay and TestSuite files, or one such file', 'test')
      .option('--fixture <name>', 'run only the Replay or TestSuite of this metadata.name')
      .option('--step <text>', 'run only the steps and cases whose name contains this text')
      .option('--junit <file>', 'also write a JUnit XML report')
      .addOption(new Option('--format <format>', 'output format').choices(['human', 'json', 'github']).default('human'))
      .option('--min-coverage <pct>', 'fail when fewer than this percentage of rules are exercised', parseCoverage)
      .option('--now <time>', 'validate token and override expiry as of this RFC 3339 time (default: the clock)', parseInstant)
      .option('--logs <path>', 'also decide the inputs of these decision logs again and report the decisions that flip (repeatable)', collect)
      .option('--since <time>', 'with --logs: only decisions at or after this RFC 3339 time', parseInstant)
      .option('--until <time>', 'with --logs: only decisions before this RFC 3339 time', parseInstant)
      .addHelpText(
        'after',
        [
          '',
          'Examples:',
          '  $ blastguard test                                  # policies/ against every fixture under test/',
          '  $ blastguard test --min-coverage 100 --junit reports/blastguard.xml',
          '  $ blastguard test --format github                  # annotate failing steps on the pull request',
          '  $ blastguard test --tests test/incidents/pocketos-volume-delete.yaml',
          '  $ blastguard test --fixture pocketos-volume-delete --step volumeDelete',
          '  $ blastguard test --logs logs/last-week/            # which logged calls would this change deny?',
          '',
          'A run of one file or with --fixture/--step is partial: rule coverage is neither warned about nor enforced.',
          '',
          'Exit status: 0 every decision as expected, 1 a failure, an error or coverage below --min-coverage, 2 usage.',
        ].join('\n'),
      )
      .action(async (flags: TestFlags) => {
        setExit(await run(flags, io));
      });
  },
};

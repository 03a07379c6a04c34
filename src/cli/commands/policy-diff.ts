import { Option } from 'commander';
import type { Command } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { renderHuman, renderJson } from '../../diff/index.js';
import { renderDiffMarkdown } from '../../report/index.js';
import { diffPolicies, InvalidSideError, type PolicyDiff } from '../../toolchain/index.js';
import { parseInstant, printDiagnostics } from '../command.js';
import type { CliIo, CommandModule } from '../command.js';
import { DIFF_CODES } from '../../diff/codes.js';

interface DiffFlags {
  base: string;
  head?: string;
  dir: string;
  tests: string;
  format: 'human' | 'markdown' | 'json';
  failOn?: 'loosened' | 'any';
  now?: Date;
  repositoryUrl?: string;
}

const EXAMPLES = `
Examples:
  $ blastguard diff --base origin/main                      # the working tree against main
  $ blastguard diff --base HEAD~1 --head HEAD --fail-on loosened
  $ blastguard diff --base origin/main --format markdown    # the pull-request comment
  $ blastguard diff --base origin/main --format json | jq '.rows[] | select(.direction == "loosened")'

Compares effective decisions, exactly: every input whose decision (mode or deciding rule) differs
is in one row. The base is read from git objects (the working tree is not touched) and validated
as of its commit date; the head (default: the working tree) as of --now or the clock. The head's
replays and decision tests (--tests) run against both bundles; flipped outcomes are listed.
Exit status: 0 no failing change, 1 a change --fail-on names, a side that does not validate or a
replay that regresses, 2 usage.
`;

/** Replay flips and owners, after the decision diff, for a terminal. */
function humanExtras(diff: PolicyDiff): string {
  const lines: string[] = [];
  const r = diff.replay;
  if (r !== null && r.flips.length > 0) {
    lines.push(`Replays and decision tests that flip (${r.flips.length} of ${r.cases}; ${r.regressions} regress):`);
    for (const f of r.flips) {
      const side = (s: typeof f.before): string => (s === null ? 'not run' : `${s.passed ? 'pass' : 'FAIL'}${s.mode ? ` (${s.mode}${s.rule ? ` by \`${s.rule}\`` : ''})` : ''}`);
      lines.push(`  ${f.regression ? '⚠ ' : ''}${f.file}:${f.line} ${f.fixture} · ${f.step}: ${side(f.before)} → ${side(f.after)}`);
    }
    lines.push('');
  }
  if (diff.documents.length > 0) {
    lines.push(`Owners to review: ${diff.owners.length > 0 ? diff.owners.join(', ') : 'none declared'}`);
    for (const d of diff.documents) lines.push(`  ${d.kind} \`${d.name}\` (${d.change}, ${d.file}): ${[...new Set([...d.owners, ...d.codeowners])].join(', ') || 'no owners'}`);
    lines.push('');
  }
  return lines.join('\n');
}

function reproduce(flags: DiffFlags, diff: PolicyDiff): string {
  const head = diff.head.commit ? ` --head ${diff.head.commit}` : '';
  return `npx blastguard diff --base ${diff.base.commit ?? flags.base}${head} --dir ${flags.dir} --tests ${flags.tests}`;
}

async function run(flags: DiffFlags, io: CliIo): Promise<number> {
  let diff: PolicyDiff;
  try {
    diff = await diffPolicies({
      cwd: io.cwd,
      dir: flags.dir,
      tests: flags.tests,
      base: flags.base,
      ...(flags.head === undefined ? {} : { head: flags.head }),
      ...(flags.now === undefined ? {} : { now: flags.now }),
    });
  } catch (e) {
    if (e instanceof InvalidSideError) printDiagnostics(io, e.diagnostics, 'human', e.sources);
    throw e;
  }
  if (flags.format === 'markdown') {
    io.stdout(renderDiffMarkdown(diff, { command: reproduce(flags, diff), limit: 0, ...(flags.repositoryUrl ? { repositoryUrl: flags.repositoryUrl.replace(/\/+$/, '') } : {}) }));
    if (diff.report === null) return 1;
  } else if (diff.report === null) {
    const errors = diff.headErrors!;
    printDiagnostics(io, errors.diagnostics, 'human', errors.sources);
    throw new BlastguardError(DIFF_CODES.headInvalid, `the policies at the ${diff.head.label} do not validate (${errors.diagnostics.length} ${errors.diagnostics.length === 1 ? 'error' : 'errors'}); no decision diff was computed`, {
      help: 'fix the errors above (`blastguard validate`) and run diff again',
    });
  } else {
    const options = diff.replay ? { replayRegressions: diff.replay.regressions } : {};
    if (flags.format === 'json') io.stdout(renderJson(diff.report, options));
    else {
      const text = renderHuman(diff.report, { ...options, labels: { base: diff.base.label, head: diff.head.label } });
      io.stdout(text.replace(/\n(base .*\n)/, `\n${humanExtras(diff)}$1`));
    }
  }
  const report = diff.report!;
  if ((diff.replay?.regressions ?? 0) > 0 && flags.failOn !== undefined) return 1;
  if (flags.failOn === 'loosened') return report.summary.loosened > 0 ? 1 : 0;
  if (flags.failOn === 'any') return report.rows.length > 0 ? 1 : 0;
  return 0;
}

export const diffCommand: CommandModule = {
  name: 'diff',
  register(program: Command, io: CliIo, setExit: (code: number) => void): void {
    program
      .command('diff')
      .description('Show exactly which decisions a policy change alters: base revision against the working tree or --head')
      .requiredOption('--base <ref>', 'the git revision to compare against (e.g. origin/main, HEAD~1)')
      .option('--head <ref>', 'a git revision to compare (default: the working tree)')
      .option('--dir <dir>', 'policy directory', 'policies')
      .option('--tests <dir>', "the head's Replay and TestSuite files, run against both bundles", 'test')
      .addOption(new Option('--format <format>', 'output format').choices(['human', 'markdown', 'json']).default('human'))
      .addOption(new Option('--fail-on <change>', 'exit 1 when a decision is loosened, or changes at all (and when a replay regresses)').choices(['loosened', 'any']))
      .option('--now <time>', 'validate the head as of this RFC 3339 time (default: the clock)', parseInstant)
      .option('--repository-url <url>', 'with --format markdown: link rule ids into this repository (e.g. https://github.com/acme/policies)')
      .addHelpText('after', EXAMPLES)
      .action(async (flags: DiffFlags) => {
        setExit(await run(flags, io));
      });
  },
};


import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { diffDecisions, renderHuman, renderJson, type DiffReport } from '../../diff/index.js';
import { buildIr } from '../../ir/build.js';
import type { Ir } from '../../ir/types.js';
import { checkPolicyDir } from '../../validate/index.js';
import { parseInstant } from '../command.js';
import { printDiagnostics } from '../command.js';
import type { CliIo, CommandModule } from '../command.js';
import { gitTopLevel, materialize, resolveRevision, type Revision } from '../git.js';

interface DiffFlags {
  base: string;
  head?: string;
  dir: string;
  format: 'human' | 'json';
  failOn?: 'loosened' | 'any';
  now?: Date;
}

const EXAMPLES = `
Examples:
  $ blastguard diff --base origin/main                      # the working tree against main
  $ blastguard diff --base HEAD~1 --head HEAD --fail-on loosened
  $ blastguard diff --base origin/main --format json | jq '.rows[] | select(.direction == "loosened")'

Compares effective decisions, exactly: every input whose decision (mode or deciding rule) differs
is in one row. The base is read from git objects (the working tree is not touched) and validated
as of its commit date; the head (default: the working tree) as of --now or the clock.
Exit status: 0 no failing change, 1 a change --fail-on names or a side that does not validate, 2 usage.
`;

const short = (r: Revision): string => `${r.ref} (${r.commit.slice(0, 7)})`;

/** Loads one side from a directory, or throws `code` after printing its diagnostics. */
async function loadSide(io: CliIo, dir: string, cwd: string, now: Date, code: 'BG562' | 'BG563', label: string): Promise<Ir> {
  const result = await checkPolicyDir(dir, { cwd, now });
  if (result.errorCount > 0) {
    printDiagnostics(io, result.diagnostics.filter((d) => d.severity === 'error'), 'human', result.sources);
    throw new BlastguardError(code, `the policies at ${label} do not validate (${result.errorCount} ${result.errorCount === 1 ? 'error' : 'errors'}); no decision diff was computed`, {
      help: code === 'BG562' ? 'the base must build to be compared: pick another --base, or fix it there first' : 'fix the errors above (`blastguard validate`) and run diff again',
    });
  }
  return buildIr(result.set);
}

/** Loads a revision's policy directory from git objects into a scratch directory. */
async function loadRevision(io: CliIo, top: string, rev: Revision, relDir: string, now: Date, code: 'BG562' | 'BG563'): Promise<Ir> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'blastguard-diff-'));
  try {
    await materialize(top, rev.commit, relDir, scratch, rev.ref);
    return await loadSide(io, relDir === '' ? '.' : relDir, scratch, now, code, short(rev));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function run(flags: DiffFlags, io: CliIo): Promise<number> {
  const top = await gitTopLevel(io.cwd);
  const relDir = path.relative(top, path.resolve(io.cwd, flags.dir)).split(path.sep).join('/');
  if (relDir.startsWith('..') || path.isAbsolute(relDir)) {
    throw new BlastguardError('BG565', `--dir \`${flags.dir}\` is outside the git repository at \`${top}\``, { help: 'run diff from inside the policy repository' });
  }
  const base = await resolveRevision(top, flags.base, '--base');
  const head = flags.head === undefined ? null : await resolveRevision(top, flags.head, '--head');
  const now = flags.now ?? new Date();
  const baseIr = await loadRevision(io, top, base, relDir, new Date(base.date), 'BG562');
  const headIr = head ? await loadRevision(io, top, head, relDir, now, 'BG563') : await loadSide(io, flags.dir, io.cwd, now, 'BG563', 'the working tree');
  const report: DiffReport = diffDecisions(baseIr, headIr);
  if (flags.format === 'json') io.stdout(renderJson(report));
  else io.stdout(renderHuman(report, { labels: { base: short(base), head: head ? short(head) : 'working tree' } }));
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
      .addOption(new Option('--format <format>', 'output format').choices(['human', 'json']).default('human'))
      .addOption(new Option('--fail-on <change>', 'exit 1 when a decision is loosened, or changes at all').choices(['loosened', 'any']))
      .option('--now <time>', 'validate the head as of this RFC 3339 time (default: the clock)', parseInstant)
      .addHelpText('after', EXAMPLES)
      .action(async (flags: DiffFlags) => {
        setExit(await run(flags, io));
      });
  },
};

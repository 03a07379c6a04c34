import type { Command } from 'commander';
import { escape } from '../../core/untrusted.js';
import { EDIT_CODES, narrowToken } from '../../edit/index.js';
import { reportLogs } from '../../insight/index.js';
import type { CliIo, CommandModule } from '../command.js';
import { collect, policySetFor, sourcesOf, warningPrinter } from '../log-flags.js';
import { parseInstant } from '../command.js';
import { BlastguardError } from '../../core/errors.js';

interface NarrowFlags {
  dir: string;
  logs: string[];
  since?: Date;
  until?: Date;
  dropUnused?: boolean;
  dropUnexpectedOnly?: boolean;
  unexpected?: string[];
}

const EXAMPLES = `
Examples:
  $ blastguard narrow-token staging-deploy --logs logs/                 # what would be dropped
  $ blastguard narrow-token staging-deploy --logs logs/ --drop-unused   # drop never-used operations
  $ blastguard narrow-token ci-domains --logs logs/ --drop-unexpected-only --unexpected "originator:agent-*"

Without --drop-unused or --drop-unexpected-only nothing is written. Only the dropped items of
the grants' operation lists change; a class or * selector becomes the operations it covers that
were used (BG867), and a grant left without operations is removed.

Exit status: 0 narrowed (or nothing to narrow), 1 an unknown token, a token that would lose every grant, unreadable logs, 2 usage.
`;

async function run(token: string, flags: NarrowFlags, io: CliIo): Promise<number> {
  const policies = await policySetFor(io, flags.dir, true);
  if (policies.ir === null) return 1;
  const ir = policies.ir;
  const declared = ir.tokens.find((t) => t.name === token);
  if (declared === undefined) {
    throw new BlastguardError(EDIT_CODES.unknownToken, `unknown token \`${escape(token)}\``, { help: `name a Token's metadata.name: ${ir.tokens.map((t) => `\`${escape(t.name)}\``).slice(0, 8).join(', ')}` });
  }
  const warnings = warningPrinter(io);
  const report = await reportLogs(await sourcesOf(io, flags.logs), {
    ir,
    ...(flags.since === undefined ? {} : { sinceMs: flags.since.getTime() }),
    ...(flags.until === undefined ? {} : { untilMs: flags.until.getTime() }),
    unexpected: flags.unexpected ?? [],
    onWarning: warnings.onWarning,
  });
  warnings.finish();
  const seen = report.tokens.find((t) => t.fingerprint === declared.fingerprint);
  const used = new Map((seen?.used ?? []).map((u) => [u.operation, u]));
  const keep = (op: string): boolean => {
    const u = used.get(op);
    if (u === undefined) return flags.dropUnused !== true;
    return !(flags.dropUnexpectedOnly === true && u.unexpected === u.calls);
  };
  const api = ir.apis.find((a) => a.name === declared.api);
  const expand = (selector: string): string[] => (api?.operations ?? []).filter((o) => selector === '*' || `class:${o.class}` === selector).map((o) => o.name);
  const write = flags.dropUnused === true || flags.dropUnexpectedOnly === true;
  const narrowed = await narrowToken({ dir: flags.dir, cwd: io.cwd, token, keep: write ? keep : (op) => used.has(op), expand, dryRun: !write });
  const verb = write ? 'dropped' : 'never used (pass --drop-unused to drop)';
  io.stdout(`${escape(narrowed.file)}:${narrowed.line}: token ${escape(token)}: ${seen?.calls ?? 0} call(s) in the window\n`);
  io.stdout(narrowed.dropped.length === 0 ? '  nothing to narrow\n' : `  ${verb}: ${narrowed.dropped.map((o) => escape(o)).join(', ')}\n`);
  for (const e of narrowed.expanded) io.stdout(`  note ${EDIT_CODES.selectorExpanded}: \`${escape(e.selector)}\` ${write ? 'replaced by' : 'would become'} ${e.into.map((o) => escape(o)).join(', ')}\n`);
  if (narrowed.droppedGrants.length > 0) io.stdout(`  grant(s) ${narrowed.droppedGrants.map((g) => `#${g + 1}`).join(', ')} ${write ? 'removed' : 'would be removed'} (no operation left)\n`);
  return 0;
}

export const narrowTokenCommand: CommandModule = {
  name: 'narrow-token',
  register(program: Command, io: CliIo, setExit: (code: number) => void): void {
    program
      .command('narrow-token')
      .description('Drop the operations a token is granted but does not use, per decision logs, editing the YAML in place')
      .argument('<token>', "the Token's metadata.name")
      .requiredOption('--logs <path>', 'decision-log file, directory, or - (repeatable)', collect)
      .option('--dir <dir>', 'policy directory', 'policies')
      .option('--since <time>', 'only decisions at or after this RFC 3339 time', parseInstant)
      .option('--until <time>', 'only decisions before this RFC 3339 time', parseInstant)
      .option('--drop-unused', 'drop granted operations no call used in the window')
      .option('--drop-unexpected-only', 'also drop operations used only by --unexpected callers')
      .option('--unexpected <pattern>', 'callers marked unexpected (repeatable)', collect)
      .addHelpText('after', EXAMPLES)
      .action(async (token: string, flags: NarrowFlags) => {
        setExit(await run(token, flags, io));
      });
  },
};

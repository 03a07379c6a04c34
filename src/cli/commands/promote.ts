import type { Command } from 'commander';
import { escape } from '../../core/untrusted.js';
import { promoteRules } from '../../edit/index.js';
import type { CliIo, CommandModule } from '../command.js';

interface PromoteFlags {
  dir: string;
  dryRun?: boolean;
}

const EXAMPLES = `
Examples:
  $ blastguard promote railway-production/production-writes-need-originator
  $ blastguard report --logs logs/ --format json | jq -r '.candidates[].rule' | xargs blastguard promote

Only the rule's \`mode:\` scalar changes (comments, order and quoting stay), so the pull request
diff is one line per rule and its policy-diff comment shows exactly the tightening.

Exit status: 0 promoted, 1 an unknown rule, a rule already deny or not shadow (nothing is written), 2 usage.
`;

export const promoteCommand: CommandModule = {
  name: 'promote',
  register(program: Command, io: CliIo, setExit: (code: number) => void): void {
    program
      .command('promote')
      .description('Promote shadow rules to deny, editing the policy YAML in place')
      .argument('<rule...>', 'rule ids, <policy>/<rule>')
      .option('--dir <dir>', 'policy directory', 'policies')
      .option('--dry-run', 'print what would change without writing')
      .addHelpText('after', EXAMPLES)
      .action(async (rules: string[], flags: PromoteFlags) => {
        const promoted = await promoteRules({ dir: flags.dir, cwd: io.cwd, rules, dryRun: flags.dryRun === true });
        for (const p of promoted.rules) io.stdout(`${escape(p.file)}:${p.line}: ${escape(p.rule)} ${p.from} → ${p.to}${flags.dryRun === true ? ' (dry run)' : ''}\n`);
        setExit(0);
      });
  },
};

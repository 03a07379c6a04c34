import type { Command } from 'commander';
import { buildIr, irDigest } from '../../ir/build.js';
import { checkPolicyDir } from '../../validate/index.js';
import { parseInstant } from '../command.js';
import type { CommandModule } from '../command.js';
import { printCheckDiagnostics } from './validate.js';

interface IrFlags {
  dir: string;
  pretty?: boolean;
  now?: Date;
}

const EXAMPLES = `
Examples:
  $ blastguard ir --pretty
  $ blastguard ir | jq -r .digest                 # has the compiled meaning changed?
  $ blastguard ir | jq '.ir.policies[].rules[].id'

Prints { "digest": "sha256:…", "ir": … } on stdout. On validation errors it prints the
diagnostics on stderr and exits 1; warnings are printed on stderr and do not stop it.
`;

export const irCommand: CommandModule = {
  name: 'ir',
  register(program: Command, io, setExit) {
    program
      .command('ir')
      .description('Validate policies and print their normalized intermediate representation (IR) as JSON')
      .option('--dir <dir>', 'policy directory', 'policies')
      .option('--pretty', 'indent the JSON')
      .option('--now <time>', 'check token and override expiry as of this RFC 3339 time (default: the clock)', parseInstant)
      .addHelpText('after', EXAMPLES)
      .action(async (flags: IrFlags) => {
        const result = await checkPolicyDir(flags.dir, flags.now === undefined ? { cwd: io.cwd } : { cwd: io.cwd, now: flags.now });
        // Diagnostics go to stderr in every case: stdout carries only the IR document.
        printCheckDiagnostics(io, result, 'human');
        if (result.errorCount > 0) {
          setExit(1);
          return;
        }
        const ir = buildIr(result.set);
        const body = { digest: irDigest(ir), ir };
        io.stdout(`${flags.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body)}\n`);
        setExit(0);
      });
  },
};

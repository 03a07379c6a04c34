import type { Command } from 'commander';
import { irDigest } from '../../ir/build.js';
import { checkPolicies } from '../../toolchain/index.js';
import { parseInstant, printDiagnostics } from '../command.js';
import type { CommandModule } from '../command.js';

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
        const result = await checkPolicies({ dir: flags.dir, cwd: io.cwd, ...(flags.now === undefined ? {} : { now: flags.now }) });
        // Diagnostics go to stderr in every case: stdout carries only the IR document.
        printDiagnostics(io, result.diagnostics, 'human', result.sources);
        const ir = result.ir;
        if (ir === null) {
          setExit(1);
          return;
        }
        const body = { digest: irDigest(ir), ir };
        io.stdout(`${flags.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body)}\n`);
        setExit(0);
      });
  },
};

import type { Command } from 'commander';
import { verifyBundle, type VerificationResult } from '../../verify/index.js';
import type { CommandModule } from '../command.js';
import { addVerificationOptions, describeVerification, readBundleFromPath, rejected, verificationConfigFromFlags, type VerificationFlags } from '../verification.js';

interface VerifyOptions extends VerificationFlags {
  verificationKey: string;
}

export const verifyCommand: CommandModule = {
  name: 'verify',
  register(program: Command, io, setExit) {
    const command = program
      .command('verify')
      .description('Verify an OPA bundle signature the way OPA does, more strictly: exit 0 verified, 1 rejected')
      .argument('<bundle>', 'bundle `.tar.gz` file or bundle directory');
    addVerificationOptions(command, true).action(async (file: string, options: VerifyOptions) => {
      const config = await verificationConfigFromFlags(options, io);
      let result: VerificationResult;
      try {
        result = await verifyBundle(await readBundleFromPath(file, io), config);
      } catch (e) {
        throw rejected(file, e);
      }
      io.stdout(describeVerification(file, result) + '\n');
      setExit(0);
    });
  },
};

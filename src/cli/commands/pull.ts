import type { Command } from 'commander';
import { printable } from '../../bundle/index.js';
import { pull } from '../../distribute/index.js';
import type { CommandModule } from '../command.js';
import { addSourceOptions, sourceFromFlags, type SourceFlags } from '../enforcer-flags.js';
import { addVerificationOptions, rejected, verificationConfigFromFlags, type VerificationFlags } from '../verification.js';
import path from 'node:path';

interface PullOptions extends VerificationFlags, SourceFlags {
  verificationKey: string;
  persistDir?: string;
}

export const pullCommand: CommandModule = {
  name: 'pull',
  register(program: Command, io, setExit) {
    const command = program
      .command('pull')
      .description('Fetch a bundle (file, https:// bundle service, oci:// reference), verify it, persist it, and print its revision and digest')
      .argument('<source>', 'bundle location: a path, an `https://` url or an `oci://host/repo:tag` reference')
      .option('--persist-dir <dir>', 'keep the verified bundle here (`<dir>/bundles/blastguard/bundle.tar.gz`), where an enforcer starts from');
    addSourceOptions(addVerificationOptions(command, true)).action(async (location: string, options: PullOptions) => {
      const verification = await verificationConfigFromFlags(options, io);
      const source = sourceFromFlags(location, options, io);
      let result: Awaited<ReturnType<typeof pull>>;
      try {
        result = await pull(source, { verification, ...(options.persistDir === undefined ? {} : { persistDir: path.resolve(io.cwd, options.persistDir) }) });
      } catch (e) {
        throw rejected(source.location, e);
      }
      const key = result.verification === null ? 'unverified' : `key \`${printable(result.verification.keyId)}\` (${result.verification.algorithm})`;
      io.stdout(
        `pulled ${printable(source.location)}: revision ${result.revision === '' ? '(none)' : printable(result.revision)}, digest ${result.digest}, ${result.size} bytes, verified with ${key}` +
          `${result.persisted === undefined ? '' : `, persisted to ${printable(result.persisted)}`}\n`,
      );
      setExit(0);
    });
  },
};

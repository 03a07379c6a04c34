import type { Command } from 'commander';
import { printable } from '../../bundle/index.js';
import { pull, type PulledInfo } from '../../distribute/index.js';
import { compareRevision, sequenceOf } from '../../enforce/index.js';
import type { CommandModule } from '../command.js';
import { addSourceOptions, sourceFromFlags, type SourceFlags } from '../enforcer-flags.js';
import { addVerificationOptions, rejected, verificationConfigFromFlags, type VerificationFlags } from '../verification.js';
import path from 'node:path';

interface PullOptions extends VerificationFlags, SourceFlags {
  verificationKey: string;
  persistDir?: string;
  allowRollback?: boolean;
}

/** The enforcer's rollback rule between the pulled bundle and the persisted one. */
function admitUnlessRollback(allowRollback: boolean): (pulled: PulledInfo, persisted: PulledInfo | null, replaced: readonly string[]) => void {
  const info = (p: PulledInfo): { revision: string; sequence: number | undefined; digest: string } => ({ revision: p.bundle.revision, sequence: sequenceOf(p.bundle), digest: p.digest });
  return (pulled, persisted, replaced) => {
    compareRevision(info(pulled), persisted === null ? null : info(persisted), new Set(replaced), allowRollback);
  };
}

export const pullCommand: CommandModule = {
  name: 'pull',
  register(program: Command, io, setExit) {
    const command = program
      .command('pull')
      .description('Fetch a bundle (file, https:// bundle service, oci:// reference), verify it, persist it, and print its revision and digest')
      .argument('<source>', 'bundle location: a path, an `https://` url or an `oci://host/repo:tag` reference')
      .option('--persist-dir <dir>', 'keep the verified bundle here (`<dir>/bundles/blastguard/bundle.tar.gz`), where an enforcer starts from')
      .option('--allow-rollback', 'replace a persisted bundle with an older one (by signed `metadata.sequence`, or a revision already replaced): a deliberate downgrade');
    addSourceOptions(addVerificationOptions(command, true)).action(async (location: string, options: PullOptions) => {
      const verification = await verificationConfigFromFlags(options, io);
      const source = sourceFromFlags(location, options, io);
      let result: Awaited<ReturnType<typeof pull>>;
      try {
        result = await pull(source, {
          verification,
          ...(options.persistDir === undefined ? {} : { persistDir: path.resolve(io.cwd, options.persistDir), admit: admitUnlessRollback(options.allowRollback === true) }),
        });
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

import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { formatGithub, formatHuman, formatJson, formatJunit, runTests } from '../../replay/index.js';
import type { TestFormat } from '../../replay/index.js';
import type { CliIo, CommandModule } from '../command.js';

interface TestFlags {
  dir: string;
  tests: string;
  junit?: string;
  format: TestFormat;
  minCoverage?: string;
}

function parseCoverage(value: string | undefined): number | null {
  if (value === undefined) return null;
  const text = value.trim().replace(/%$/, '');
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new BlastguardError('BG426', `\`--min-coverage\` must be a percentage from 0 to 100, got \`${value}\``, {
      help: 'for example --min-coverage 90',
    });
  }
  return n;
}

async function run(flags: TestFlags, io: CliIo): Promise<number> {
  let minCoverage: number | null;
  try {
    minCoverage = parseCoverage(flags.minCoverage);
  } catch (e) {
    // A malformed flag is a usage error (exit 2), reported like commander's own.
    if (!(e instanceof BlastguardError)) throw e;
    io.stderr(`error ${e.code} ${e.message}\n${e.help ? `  help: ${e.help}\n` : ''}`);
    return 2;
  }
  const report = await runTests({ dir: flags.dir, tests: flags.tests, cwd: io.cwd, minCoverage });
  if (flags.format === 'json') io.stdout(formatJson(report));
  else if (flags.format === 'github') io.stdout(formatGithub(report));
  else {
    const color = io.isTTY && io.env['NO_COLOR'] === undefined;
    const readSource = (file: string): string | undefined => {
      try {
        return readFileSync(path.resolve(io.cwd, file), 'utf8');
      } catch {
        return undefined;
      }
    };
    io.stdout(formatHuman(report, { color, readSource }));
  }
  if (flags.junit !== undefined) {
    const target = path.resolve(io.cwd, flags.junit);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, formatJunit(report));
    } catch (e) {
      throw new BlastguardError('BG429', `cannot write the junit report \`${flags.junit}\`: ${e instanceof Error ? e.message.toLowerCase() : String(e)}`, {
        file: flags.junit,
        cause: e,
      });
    }
  }
  return report.ok ? 0 : 1;
}

export const testCommand: CommandModule = {
  name: 'test',
  register(program: Command, io: CliIo, setExit: (code: number) => void): void {
    program
      .command('test')
      .description('Validate the policies, build the bundle in memory, and run every incident replay and decision test against its Wasm')
      .option('--dir <dir>', 'policy directory', 'policies')
      .option('--tests <dir>', 'directory searched recursively for Replay and TestSuite files', 'test')
      .option('--junit <file>', 'also write a JUnit XML report')
      .addOption(new Option('--format <format>', 'output format').choices(['human', 'json', 'github']).default('human'))
      .option('--min-coverage <pct>', 'fail when fewer than this percentage of rules are exercised')
      .action(async (flags: TestFlags) => {
        setExit(await run(flags, io));
      });
  },
};

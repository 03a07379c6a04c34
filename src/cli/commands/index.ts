import type { CommandModule } from '../command.js';
import { buildCommand } from './build.js';
// `diff` goes through toolchain.diffPolicies (shared with the Action); ./diff.js is its first version.
import { diffCommand } from './policy-diff.js';
import { decideCommand } from './decide.js';
import { envelopeCommand } from './envelope.js';
import { evalCommand } from './eval.js';
import { importCommand } from './import.js';
import { irCommand } from './ir.js';
import { keygenCommand } from './keygen.js';
import { mcpGuardCommand } from './mcp-guard.js';
import { pullCommand } from './pull.js';
import { verifyCommand } from './verify.js';
import { testCommand } from './test.js';
import { validateCommand } from './validate.js';

/** Every command of the CLI, in `--help` order. */
export const COMMANDS: CommandModule[] = [
  validateCommand,
  irCommand,
  buildCommand,
  evalCommand,
  testCommand,
  diffCommand,
  verifyCommand,
  keygenCommand,
  importCommand,
  pullCommand,
  decideCommand,
  envelopeCommand,
  mcpGuardCommand,
];

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
import { proxyCaCommand } from './proxy-ca.js';
import { proxyCommand } from './proxy.js';
import { pullCommand } from './pull.js';
import { reportCommand } from './report.js';
import { promoteCommand } from './promote.js';
import { narrowTokenCommand } from './narrow-token.js';
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
  // `proxy` first: `proxy ca init` attaches itself to it.
  proxyCommand,
  proxyCaCommand,
  reportCommand,
  promoteCommand,
  narrowTokenCommand,
];

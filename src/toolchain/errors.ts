import type { BundleCode } from '../bundle/codes.js';
import { printable } from '../bundle/index.js';
import { BlastguardError, isBlastguardError } from '../core/errors.js';
import type { ValidationCode } from '../diagnostics/codes.js';
import type { TestCode } from '../replay/codes.js';
import type { ActionCode } from './codes.js';

/**
 * The codes a usage error may carry, by layer: the toolchain's (bundle, test, validation) here; the
 * CLI adds the layers only it sees (verification, catalog) by module augmentation, so `tsc`
 * rejects a typo or an unregistered code in every `new UsageError(...)`.
 */
export interface UsageCodes {
  toolchain: BundleCode | TestCode | ValidationCode | ActionCode;
}

export type UsageCode = UsageCodes[keyof UsageCodes];

/**
 * An option value that is contradictory, invalid or unsupported (a CLI flag or an Action input).
 * Reported like any coded error (`error BGnnn message` + `help:`); callers exit 2 for it, as for
 * an unknown flag.
 */
export class UsageError extends BlastguardError<UsageCode> {
  readonly usage = true;

  constructor(code: UsageCode, message: string, options: { help?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'UsageError';
  }
}

export function isUsageError(e: unknown): e is UsageError {
  return e instanceof UsageError;
}

/** Runs `check` and re-raises a coded error it throws as a usage error, keeping code, message and help. */
export function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (isBlastguardError(e) && !isUsageError(e)) throw new UsageError(e.code as UsageCode, e.message, { help: e.help, cause: e }); // the code of a registered, typed error
    throw e;
  }
}

/**
 * Checks a free-text option that ends up in output, a token or the manifest (`--revision`,
 * `--key-id`, `--scope`): no control characters (a newline would forge output lines), and not
 * empty unless `allowEmpty`. Throws a usage error with `code`.
 */
export function checkOptionText(flag: string, value: string | undefined, code: UsageCode, options: { allowEmpty?: boolean; emptyHelp?: string } = {}): void {
  if (value === undefined) return;
  if (value === '' && !options.allowEmpty) {
    throw new UsageError(code, `${flag} must not be empty`, { help: options.emptyHelp ?? `give a value, or leave ${flag} out` });
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) {
    throw new UsageError(code, `${flag} \`${printable(value)}\` contains a control character`, {
      help: `${flag} is written into the bundle and into output lines; use printable characters only (no newlines or tabs)`,
    });
  }
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'already exists',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
  EXDEV: 'cannot move a file across file systems',
  EIO: 'input/output error',
};

/** What a file-system error means, in our words (never Node's raw text, which repeats paths and syscalls). */
export function errnoText(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code === 'string') return ERRNO_TEXT[code] ?? `system error ${code.toLowerCase()}`;
  return e instanceof Error ? e.message.toLowerCase() : String(e);
}

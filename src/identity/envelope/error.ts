import { BlastguardError } from '../../core/errors.js';
import type { EnvelopeCode } from '../codes.js';

/** An identity envelope (or its chain) that fails a check; `code` names the check. */
export class EnvelopeError extends BlastguardError<EnvelopeCode> {
  constructor(code: EnvelopeCode, message: string) {
    super(code, message);
    this.name = 'EnvelopeError';
  }
}

export function refuse(code: EnvelopeCode, message: string): never {
  throw new EnvelopeError(code, message);
}

import { BlastguardError } from '../core/errors.js';
import type { ExtractCode } from './codes.js';

/**
 * Why a request, or one message of it, cannot be read one way. Every part of extraction throws
 * it through `fail`; `extractDecisionInputs` catches it once per message and turns it into the
 * one input without `operation` that every policy denies. Nothing else is caught, so a bug in
 * extraction is never mistaken for a client's malformed request.
 */
export class ExtractFailure extends BlastguardError<ExtractCode> {
  constructor(code: ExtractCode, message: string) {
    super(code, message);
    this.name = 'ExtractFailure';
  }
}

export function fail(code: ExtractCode, message: string): never {
  throw new ExtractFailure(code, message);
}

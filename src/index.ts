/**
 * blastguard's library entry (`import { createEnforcer } from 'blastguard'`): the enforcer runtime
 * and the public functions it is configured with — bundle sources, pulling, verification keys.
 * The toolchain (validate, compile, sign, test) stays behind the CLI and the Action.
 */
export { BlastguardError, isBlastguardError } from './core/errors.js';
export {
  ActivationError,
  ENFORCE_CODES,
  EnforceError,
  createEnforcer,
  maskInput,
  serveStatus,
  statusDocument,
  validateOverride,
} from './enforce/index.js';
export type {
  ActivationCode,
  CheckOutcome,
  DecisionEvent,
  DecisionLogOptions,
  DecisionLogStats,
  EnforceCode,
  Enforcer,
  EnforcerOptions,
  EnforcerState,
  EnforcerStatus,
  LocalOverride,
  RequestDecision,
  StatusDocument,
  StatusError,
  StatusServer,
  StatusUploadOptions,
  StatusUploadStats,
} from './enforce/index.js';
export {
  DISTRIBUTE_CODES,
  DistributeError,
  HTTPError,
  createFileSource,
  createHttpSource,
  createOciSource,
  openPersisted,
  pull,
  pushOciBundle,
  sourceForLocation,
} from './distribute/index.js';
export type { Credentials, PollingConfig, PullOptions, PullResult, Source, SourceOptions, Update } from './distribute/index.js';
export { loadVerificationKey, openBundle, singleKeyConfig, verifyBundle } from './verify/index.js';
export type { VerificationConfig, VerificationResult } from './verify/index.js';
export type { Decision, DecisionInput } from './ir/types.js';
export type { HttpRequest, Inventory } from './extract/index.js';

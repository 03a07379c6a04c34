/**
 * The programmatic API of blastguard's toolchain: what the CLI commands and the GitHub Action
 * call. Each function takes its configuration as values (directories, a working directory, key
 * material) and returns structured results; printing is the caller's, in src/report/ and the CLI.
 */
export { buildBundle, packBuiltBundle, sha256Hex } from './bundle.js';
export type { BuildBundleOptions, BuiltBundle } from './bundle.js';
export { buildPolicies, checkBuildOptions, parseSequence } from './build-policies.js';
export type { BuildPoliciesHooks, BuildPoliciesOptions, BuildPoliciesResult, BuildSequence } from './build-policies.js';
export { checkPolicies } from './check.js';
export type { CheckPoliciesOptions, PolicyCheck } from './check.js';
export { bundleEngines, withOverrides } from './engines.js';
export { UsageError, asUsage, checkOptionText, errnoText, isUsageError } from './errors.js';
export { checkOutPath, isTarballPath, writeBundle } from './output.js';
export type { WrittenBundle } from './output.js';
export { gitRevision } from './revision.js';
export { signingAlgorithm, signingOptions } from './signing.js';
export type { SigningInput } from './signing.js';
export { loadTestBundle, parsePercent, runTests } from './test.js';
export type { RunTestsOptions, TestBundle } from './test.js';
export { diffPolicies, InvalidSideError } from './diff.js';
export type { ChangedDocument, DiffPoliciesOptions, DiffSide, PolicyDiff, ReplayComparison, ReplayFlip, ReplaySide, RuleLocation } from './diff.js';
export { CODEOWNERS_PATHS, codeownersOf, parseCodeowners } from './codeowners.js';
export type { CodeownersRule } from './codeowners.js';
export { gitTopLevel, hasCommit, resolveRevision } from './git.js';
export type { Revision } from './git.js';
export { ACTION_ERROR_CODES } from './codes.js';
export type { ActionCode } from './codes.js';
export { publishOci } from './publish-oci.js';
export type { PublishOciOptions, PublishedOci } from './publish-oci.js';
export { replayLogs } from './replay-logs.js';
export type { LogFlipGroup, LogReplay } from './replay-logs.js';

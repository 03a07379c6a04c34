/**
 * Why a request could not be turned into decision inputs. Each code yields one input without
 * `operation`, which the policy denies as `input:invalid`: an enforcer that cannot tell what a
 * call does must not let it through.
 */
export const EXTRACT_CODES = {
  /** The URL's host belongs to no `Api`. */
  unknownHost: 'BG401',
  /** The path is not the API's `endpoint`, or no HTTP route matches. */
  wrongEndpoint: 'BG402',
  /** The method cannot carry an operation for this protocol. */
  unsupportedMethod: 'BG403',
  unsupportedContentType: 'BG404',
  bodyTooLarge: 'BG405',
  /** Malformed JSON, or JSON that is not a request object. */
  invalidBody: 'BG406',
  missingQuery: 'BG407',
  graphqlSyntax: 'BG408',
  /** `operationName` names no operation, or several operations and no name. */
  operationNotFound: 'BG409',
  /** A variable is referenced but neither supplied nor defaulted, or `variables` is not an object. */
  missingVariable: 'BG410',
  malformedAttempt: 'BG411',
  invalidUrl: 'BG412',
  /** A credential header appears more than once with different values. */
  conflictingHeader: 'BG413',
  unknownFragment: 'BG414',
  /** The document selects no operation at all (e.g. only fragments, or an empty batch). */
  noOperation: 'BG415',
} as const;

export type ExtractCode = (typeof EXTRACT_CODES)[keyof typeof EXTRACT_CODES];

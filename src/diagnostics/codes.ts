import type { CodeOf, CodeRegistry } from '../core/errors.js';
import type { CodeInfo, Severity } from './types.js';

/**
 * Load, parse, schema and cross-document validation codes (BG001–BG099) with their default
 * severity and a one-line title. Other ranges live with their layers: BG1xx src/compile/codes.ts,
 * BG2xx src/bundle/codes.ts, BG3xx src/verify/codes.ts, BG400–BG419 src/extract/codes.ts,
 * BG42x src/replay/codes.ts; src/cli/codes.ts joins them for the README table, and
 * test/diagnostics/codes.test.ts fails when a code used in src/ is in none of them.
 */
export const VALIDATION_CODES = {
  // Finding and reading files.
  directoryMissing: 'BG001',
  notDirectory: 'BG002',
  noPolicyFiles: 'BG003',
  unreadable: 'BG004',
  fileTooLarge: 'BG005',
  symlinkLoop: 'BG006',
  invalidUtf8: 'BG007',
  linkOutsideDirectory: 'BG019',
  // YAML.
  yamlSyntax: 'BG008',
  duplicateKey: 'BG009',
  tabIndentation: 'BG010',
  tooManyAliases: 'BG011',
  notMapping: 'BG012',
  missingKind: 'BG013',
  unknownKind: 'BG014',
  apiVersion: 'BG015',
  noDocuments: 'BG016',
  yamlWarning: 'BG017',
  nonScalarKey: 'BG018',
  nestingTooDeep: 'BG061',
  // JSON Schema.
  missingProperty: 'BG020',
  unknownProperty: 'BG021',
  wrongType: 'BG022',
  notAllowedValue: 'BG023',
  wrongFormat: 'BG024',
  outOfRange: 'BG025',
  duplicateEntries: 'BG026',
  exclusiveProperties: 'BG027',
  noFormMatches: 'BG028',
  // Cross-document rules.
  undeclaredApi: 'BG040',
  duplicateName: 'BG041',
  duplicateRuleId: 'BG042',
  duplicateFingerprint: 'BG043',
  unknownOperation: 'BG044',
  emptyClassSelector: 'BG045',
  undeclaredEnvironment: 'BG046',
  undeclaredProtectedEnvironment: 'BG047',
  malformedFingerprint: 'BG048',
  tokenExpired: 'BG049',
  tokenExpiresSoon: 'BG050',
  tokenWithoutExpiry: 'BG051',
  undeclaredToken: 'BG052',
  severalOverrides: 'BG053',
  overrideWithoutJustification: 'BG054',
  overrideExpired: 'BG055',
  rawCredential: 'BG056',
  unreachableRule: 'BG057',
  tokenOfAnotherApi: 'BG058',
  attemptNeverMatches: 'BG059',
  invalidTimestamp: 'BG060',
  misplacedFixture: 'BG062',
  duplicateRoute: 'BG063',
  unknownRouteArgument: 'BG064',
  sharedHost: 'BG065',
  unknownClosedOperation: 'BG066',
  invalidRouteTemplate: 'BG067',
  duplicateInventoryId: 'BG068',
  tokenFamily: 'BG069',
  tokenWithoutIdentity: 'BG070',
  malformedIdTemplate: 'BG071',
  unknownArgument: 'BG080',
  // IdentityIssuer (BG820–BG829).
  issuerKey: 'BG820',
  issuerPrivateKey: 'BG821',
  issuerKeyAlgorithm: 'BG822',
  issuerDuplicateKid: 'BG823',
  issuerWithoutKeys: 'BG824',
  issuerJwksUrl: 'BG825',
  issuerLifetime: 'BG826',
  // Api options the egress proxy reads (BG706–BG711): trusted documents, body labels.
  trustedDocumentsUnreadable: 'BG706',
  trustedDocumentsFormat: 'BG707',
  trustedDocumentId: 'BG708',
  duplicateTrustedDocument: 'BG709',
  trustedDocumentBody: 'BG710',
  apiOptionProtocol: 'BG711',
} as const satisfies CodeRegistry;

/** A load or validation code; the set may grow (new rules), unlike extraction's closed union. */
export type ValidationCode = CodeOf<typeof VALIDATION_CODES>;

/** Default severity and a one-line title for each code (the README's diagnostics table). */
const VALIDATION_CODE_INFO: Readonly<Record<ValidationCode, readonly [Severity, string]>> = {
  // Finding and reading files.
  BG001: ['error', 'policy directory does not exist'],
  BG002: ['error', 'policy path is not a directory'],
  BG003: ['error', 'no policy files in the directory'],
  BG004: ['error', 'file cannot be read'],
  BG005: ['error', 'file is too large'],
  BG006: ['error', 'symbolic link loop'],
  BG007: ['error', 'file is not valid UTF-8'],
  BG019: ['error', 'symbolic link leads outside the directory being loaded (not followed)'],
  // YAML.
  BG008: ['error', 'YAML syntax error'],
  BG009: ['error', 'duplicate key in a mapping'],
  BG010: ['error', 'tab used for indentation'],
  BG011: ['error', 'too many YAML aliases'],
  BG012: ['error', 'document is not a mapping'],
  BG013: ['error', 'document has no `kind`'],
  BG014: ['error', 'unknown `kind`'],
  BG015: ['error', 'missing or unsupported `apiVersion`'],
  BG016: ['warning', 'file contains no documents'],
  BG017: ['warning', 'YAML warning (e.g. an unresolved tag)'],
  BG018: ['error', 'mapping key is not a scalar'],
  BG061: ['error', 'YAML nesting too deep'],
  // JSON Schema.
  BG020: ['error', 'missing required property'],
  BG021: ['error', 'unknown property'],
  BG022: ['error', 'value has the wrong type'],
  BG023: ['error', 'value is not one of the allowed values'],
  BG024: ['error', 'value does not have the required format'],
  BG025: ['error', 'value is too small, too large, too short or too long'],
  BG026: ['error', 'list contains duplicate entries'],
  BG027: ['error', 'properties that cannot be used together'],
  BG028: ['error', 'value matches none of the accepted forms'],
  // Cross-document rules.
  BG040: ['error', 'reference to an undeclared `Api`'],
  BG041: ['error', 'duplicate `metadata.name` within a kind'],
  BG042: ['error', 'duplicate rule id within a policy'],
  BG043: ['error', 'two tokens declare the same fingerprint'],
  BG044: ['warning', 'operation is not in the API catalog'],
  BG045: ['warning', '`class:` selector matches no catalog operation'],
  BG046: ['error', 'environment is not declared by the API'],
  BG047: ['error', 'protected environment is not declared by the API'],
  BG048: ['error', 'malformed token fingerprint'],
  BG049: ['error', 'token has expired'],
  BG050: ['warning', 'token expires within 14 days'],
  BG051: ['error', 'token has no `expires`'],
  BG052: ['error', '`match.tokens` names an undeclared token'],
  BG053: ['error', 'more than one `Overrides` document'],
  BG054: ['error', 'override without `reason` or `expires`'],
  BG055: ['warning', 'override has expired'],
  BG056: ['error', 'value looks like a raw credential'],
  BG057: ['warning', 'rule can never decide (an earlier rule of the policy matches all its calls, at least as severe)'],
  BG058: ['warning', '`match.tokens` names a token of another API'],
  BG059: ['error', 'rule can never match (`attempt.min` > `attempt.max`, or > 1000000000, the largest input `attempt`)'],
  BG060: ['error', 'invalid date-time'],
  BG062: ['warning', '`Replay` or `TestSuite` in the policy directory (never run)'],
  BG063: ['error', 'two operations of one API on the same method and path'],
  BG064: ['error', '`idArg`, an argument of `id`, `environmentArg` or `projectArg` names no parameter of the route'],
  BG065: ['error', 'host claimed by two APIs whose endpoints do not tell them apart'],
  BG066: ['error', 'operation is not in a closed API catalog (HTTP routes): the rule or grant can never apply'],
  BG067: ['error', 'malformed path template'],
  BG068: ['error', 'inventory lists a resource id twice for one API'],
  BG069: ['info', 'token family identifies a kind of credential, not one'],
  BG070: ['error', 'token declares neither `fingerprint` nor `family`'],
  BG071: ['error', 'resource id template does not read one way (arguments with no separator, one named twice, a stray brace)'],
  BG080: ['error', 'argument condition names no parameter of the selected HTTP routes'],
  // IdentityIssuer.
  BG820: ['error', 'identity issuer key is not a usable EC P-256/P-384 or Ed25519 public key'],
  BG821: ['error', 'identity issuer key is private key material'],
  BG822: ['error', 'identity issuer key cannot sign with any algorithm the issuer allows'],
  BG823: ['error', 'identity issuer declares a key id twice'],
  BG824: ['error', 'identity issuer has neither `keys` nor `jwksUrl`'],
  BG825: ['error', 'identity issuer `jwksUrl` is not https (or http on loopback)'],
  BG826: ['error', 'identity issuer `maxLifetime` is longer than 24h'],
  // Api options the egress proxy reads.
  BG706: ['error', 'trusted-documents manifest cannot be read (missing, outside the policy directory, not UTF-8, not json)'],
  BG707: ['error', 'trusted-documents manifest is not an apollo persisted-query manifest (format, version 1, operations)'],
  BG708: ['error', 'trusted document `id` is not the sha256 hex of its `body`'],
  BG709: ['error', 'trusted-documents manifest lists an `id` twice'],
  BG710: ['error', 'trusted document `body` is not a graphql document with exactly one operation'],
  BG711: ['error', 'api option its protocol does not read (`trustedDocuments` off graphql, `http.jsonLabelledAsForm` off graphql, http and rest-json)'],
};

/**
 * Codes about a file (or directory) whose content was not read: a code frame for them would have
 * to read it now, through a link that may lead anywhere (BG019), so formatters never show one.
 */
export const UNREAD_FILE_CODES: ReadonlySet<string> = new Set<ValidationCode>([
  VALIDATION_CODES.directoryMissing,
  VALIDATION_CODES.notDirectory,
  VALIDATION_CODES.noPolicyFiles,
  VALIDATION_CODES.unreadable,
  VALIDATION_CODES.fileTooLarge,
  VALIDATION_CODES.symlinkLoop,
  VALIDATION_CODES.linkOutsideDirectory,
]);

/** The load and validation codes (BG001–BG099). Every layer keeps its own registry; src/cli/codes.ts joins them. */
export const CODES: Readonly<Record<string, CodeInfo>> = Object.fromEntries(
  Object.entries(VALIDATION_CODE_INFO).map(([code, [severity, title]]) => [code, { code, severity, title }]),
);

export function codeInfo(code: string): CodeInfo | undefined {
  return CODES[code];
}

import { BUNDLE_ERROR_CODES } from '../bundle/codes.js';
import { TEST_CODES } from '../replay/codes.js';
import { VERIFY_ERROR_CODES } from '../verify/codes.js';
import type { CodeInfo, Severity } from './types.js';

function entries(list: readonly [string, Severity, string][]): Record<string, CodeInfo> {
  const out: Record<string, CodeInfo> = {};
  for (const [code, severity, title] of list) out[code] = { code, severity, title };
  return out;
}

/**
 * Every diagnostic code blastguard reports, its default severity and a one-line title. The
 * README's diagnostics table is checked against this registry, and test/diagnostics/codes.test.ts
 * fails when a code used in src/ is missing here.
 *
 * Ranges: BG0xx load, parse, schema and cross-document validation; BG1xx compile and evaluation;
 * BG2xx bundle, signing and the build/eval/keygen commands (src/bundle/codes.ts); BG3xx
 * verification (src/verify/codes.ts); BG4xx request extraction and replay/test
 * (src/replay/codes.ts); BG9xx CLI usage.
 */
const VALIDATION_CODES = entries([
  // Finding and reading files.
  ['BG001', 'error', 'policy directory does not exist'],
  ['BG002', 'error', 'policy path is not a directory'],
  ['BG003', 'error', 'no policy files in the directory'],
  ['BG004', 'error', 'file cannot be read'],
  ['BG005', 'error', 'file is too large'],
  ['BG006', 'error', 'symbolic link loop'],
  ['BG007', 'error', 'file is not valid UTF-8'],
  // YAML.
  ['BG008', 'error', 'YAML syntax error'],
  ['BG009', 'error', 'duplicate key in a mapping'],
  ['BG010', 'error', 'tab used for indentation'],
  ['BG011', 'error', 'too many YAML aliases'],
  ['BG012', 'error', 'document is not a mapping'],
  ['BG013', 'error', 'document has no `kind`'],
  ['BG014', 'error', 'unknown `kind`'],
  ['BG015', 'error', 'missing or unsupported `apiVersion`'],
  ['BG016', 'warning', 'file contains no documents'],
  ['BG017', 'warning', 'YAML warning (e.g. an unresolved tag)'],
  ['BG018', 'error', 'mapping key is not a scalar'],
  // JSON Schema.
  ['BG020', 'error', 'missing required property'],
  ['BG021', 'error', 'unknown property'],
  ['BG022', 'error', 'value has the wrong type'],
  ['BG023', 'error', 'value is not one of the allowed values'],
  ['BG024', 'error', 'value does not have the required format'],
  ['BG025', 'error', 'value is too small, too large, too short or too long'],
  ['BG026', 'error', 'list contains duplicate entries'],
  ['BG027', 'error', 'properties that cannot be used together'],
  ['BG028', 'error', 'value matches none of the accepted forms'],
  // Cross-document rules.
  ['BG040', 'error', 'reference to an undeclared `Api`'],
  ['BG041', 'error', 'duplicate `metadata.name` within a kind'],
  ['BG042', 'error', 'duplicate rule id within a policy'],
  ['BG043', 'error', 'two tokens declare the same fingerprint'],
  ['BG044', 'warning', 'operation is not in the API catalog'],
  ['BG045', 'warning', '`class:` selector matches no catalog operation'],
  ['BG046', 'error', 'environment is not declared by the API'],
  ['BG047', 'error', 'protected environment is not declared by the API'],
  ['BG048', 'error', 'malformed token fingerprint'],
  ['BG049', 'error', 'token has expired'],
  ['BG050', 'warning', 'token expires within 14 days'],
  ['BG051', 'error', 'token has no `expires`'],
  ['BG052', 'error', '`match.tokens` names an undeclared token'],
  ['BG053', 'error', 'more than one `Overrides` document'],
  ['BG054', 'error', 'override without `reason` or `expires`'],
  ['BG055', 'warning', 'override has expired'],
  ['BG056', 'error', 'value looks like a raw credential'],
  ['BG057', 'warning', 'rule is unreachable'],
  ['BG058', 'warning', '`match.tokens` names a token of another API'],
  ['BG059', 'error', 'rule can never match (`attempt.min` > `attempt.max`)'],
  ['BG060', 'error', 'invalid date-time'],
]);

// Codes of layers without a registry of their own; their owners may refine these titles here.
const OTHER_CODES = entries([
  // Compile and evaluation.
  ['BG101', 'error', 'an API has no protected environments'],
  ['BG110', 'error', 'the Wasm runtime is missing'],
  ['BG111', 'error', 'the Wasm runtime is not a blastguard runtime'],
  ['BG120', 'error', 'the policy module cannot be loaded'],
  ['BG121', 'error', 'the policy aborted during evaluation'],
  ['BG122', 'error', 'the policy returned no decision'],
  // Request extraction (src/extract/codes.ts): the call is denied as `input:invalid`.
  ['BG401', 'error', 'request host belongs to no `Api`'],
  ['BG402', 'error', 'request path is not the API endpoint or a known route'],
  ['BG403', 'error', 'request method cannot carry an operation'],
  ['BG404', 'error', 'unsupported request content type'],
  ['BG405', 'error', 'request body is too large'],
  ['BG406', 'error', 'request body is malformed'],
  ['BG407', 'error', 'GraphQL request has no query'],
  ['BG408', 'error', 'GraphQL syntax error'],
  ['BG409', 'error', 'GraphQL operation not found'],
  ['BG410', 'error', 'GraphQL variable missing'],
  ['BG411', 'error', 'malformed attempt header'],
  ['BG412', 'error', 'request URL cannot be parsed'],
  ['BG413', 'error', 'credential header sent several times with different values'],
  ['BG414', 'error', 'unknown GraphQL fragment'],
  ['BG415', 'error', 'request selects no operation'],
]);

function fromRegistry(registry: Readonly<Record<string, { severity: Severity; title: string } | string>>): Record<string, CodeInfo> {
  return Object.fromEntries(
    Object.entries(registry).map(([code, info]) => [
      code,
      typeof info === 'string' ? { code, severity: 'error' as const, title: info } : { code, ...info },
    ]),
  );
}

export const CODES: Record<string, CodeInfo> = {
  ...VALIDATION_CODES,
  ...OTHER_CODES,
  ...fromRegistry(BUNDLE_ERROR_CODES),
  ...fromRegistry(VERIFY_ERROR_CODES),
  ...fromRegistry(TEST_CODES),
};

export function codeInfo(code: string): CodeInfo | undefined {
  return CODES[code];
}

/** The README's diagnostics table, generated so that the documentation cannot drift from the registry. */
export function codesMarkdownTable(): string {
  const rows = Object.values(CODES)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((c) => `| ${c.code} | ${c.severity} | ${c.title.replace(/\|/g, '\\|')} |`);
  return ['| code | severity | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

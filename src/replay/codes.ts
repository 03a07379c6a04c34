import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';
import { diagnostic } from '../diagnostics/create.js';
import type { Diagnostic, DiagnosticLocation, Severity } from '../diagnostics/types.js';

export type TestCode = CodeOf<typeof TEST_CODES>;

/**
 * Codes of `blastguard test` (BG420–BG449; BG400–BG419 are extraction's, see src/extract/codes.ts).
 * Titles are what the README's diagnostics table lists.
 */
export const { codes: TEST_CODES, titles: TEST_CODE_TITLES } = codeRegistry({
  unexpectedDecision: ['BG420', 'a replay step or test case got a different decision than expected'],
  unknownToken: ['BG421', '`${token:NAME}` names no token of the replay'],
  fingerprintMismatch: ['BG422', 'a replay token does not fingerprint to the Token it is `declaredAs`'],
  noFixtures: ['BG423', 'no Replay or TestSuite under the tests directory'],
  ruleNotCovered: ['BG424', 'a rule no replay step or test case decided or matched'],
  coverageBelowMinimum: ['BG425', 'rule coverage is below `--min-coverage`'],
  testsPathMissing: ['BG426', 'the tests path does not exist'],
  duplicateFixture: ['BG427', 'two Replay or TestSuite documents share a name'],
  bundleUnavailable: ['BG428', 'the bundle could not be built or loaded for testing'],
  junitUnwritable: ['BG429', 'the JUnit report cannot be written'],
  duplicateStep: ['BG430', 'two cases of a TestSuite or two steps of a Replay share a name'],
  unknownViolationKind: ['BG431', 'an expectation names a violation kind no decision has'],
  unknownRule: ['BG432', 'an expectation names a rule no policy declares'],
  filterMatchesNothing: ['BG433', 'the `--fixture` / `--step` filter matches no replay step or test case'],
  notAFixture: ['BG434', 'a file named by `--tests` holds no Replay or TestSuite'],
  noTestFiles: ['BG435', 'the tests directory holds no YAML files'],
  coverageNotEnforced: ['BG436', '`--min-coverage` is not enforced for a partial run (one file, `--fixture` or `--step`)'],
});

/** The codes of `blastguard test` that are warnings; every other one is an error. */
export const TEST_WARNINGS: ReadonlySet<TestCode> = new Set([TEST_CODES.noFixtures, TEST_CODES.ruleNotCovered, TEST_CODES.coverageNotEnforced]);

export function testCodeSeverity(code: TestCode): Severity {
  return TEST_WARNINGS.has(code) ? 'warning' : 'error';
}

export function testDiagnostic(code: TestCode, message: string, at: DiagnosticLocation, help?: string): Diagnostic {
  return diagnostic(code, message, at, help, testCodeSeverity(code));
}

declare module '../diagnostics/create.js' {
  interface DiagnosticCodes {
    test: TestCode;
  }
}

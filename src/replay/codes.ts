import { diagnostic } from '../diagnostics/create.js';
import type { Diagnostic, DiagnosticLocation, Severity } from '../diagnostics/types.js';

/**
 * Codes of `blastguard test` (BG420–BG449; BG401–BG419 are extraction's, see src/extract/codes.ts).
 * Titles are what the README's diagnostics table lists.
 */
export const TEST_CODES: Readonly<Record<string, { severity: Severity; title: string }>> = {
  BG420: { severity: 'error', title: 'a replay step or test case got a different decision than expected' },
  BG421: { severity: 'error', title: '`${token:NAME}` names no token of the replay' },
  BG422: { severity: 'error', title: 'a replay token does not fingerprint to the Token it is `declaredAs`' },
  BG423: { severity: 'warning', title: 'no Replay or TestSuite under the tests directory' },
  BG424: { severity: 'warning', title: 'a rule no replay step or test case decided or matched' },
  BG425: { severity: 'error', title: 'rule coverage is below `--min-coverage`' },
  BG426: { severity: 'error', title: 'the tests path does not exist' },
  BG427: { severity: 'error', title: 'two Replay or TestSuite documents share a name' },
  BG428: { severity: 'error', title: 'the bundle could not be built or loaded for testing' },
  BG429: { severity: 'error', title: 'the JUnit report cannot be written' },
  BG430: { severity: 'error', title: 'two cases of a TestSuite or two steps of a Replay share a name' },
  BG431: { severity: 'error', title: 'an expectation names a violation kind no decision has' },
  BG432: { severity: 'error', title: 'an expectation names a rule no policy declares' },
  BG433: { severity: 'error', title: 'the `--fixture` / `--step` filter matches no replay step or test case' },
};

export function testDiagnostic(code: keyof typeof TEST_CODES & string, message: string, at: DiagnosticLocation, help?: string): Diagnostic {
  return diagnostic(code, message, at, help, TEST_CODES[code]?.severity ?? 'error');
}

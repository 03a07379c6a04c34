import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

/**
 * A `Replay` or `TestSuite` in the policy directory passes its schema and then does nothing:
 * `build` leaves it out and `blastguard test` runs only what is under `--tests`. Say so, or an
 * incident someone meant to pin is silently never replayed.
 */
export const misplacedFixture: ValidationRule = {
  name: 'misplaced-fixture',
  codes: [VALIDATION_CODES.misplacedFixture],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of [...set.replays, ...set.testSuites]) {
      const home = doc.kind === 'Replay' ? 'test/incidents/' : 'test/policies/';
      out.push(
        diagnostic(
          VALIDATION_CODES.misplacedFixture,
          `${doc.kind} \`${doc.name}\` is in the policy directory \`${set.root}\`, where it is never run`,
          doc.locate(['kind'], 'value'),
          `move it under the tests directory (conventionally \`${home}\`): \`blastguard test --tests test\` runs what is there`,
        ),
      );
    }
    return out;
  },
};

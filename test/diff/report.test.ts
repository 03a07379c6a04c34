// The JSON report against schemas/diff-report.schema.json (for random pairs too), the headline's
// shape, and timestamps at the edges of what RFC 3339 can write.
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../../src/core/time.js';
import { diffDecisions, headline, renderHuman, renderJson } from '../../src/diff/index.js';
import { writeInstant } from '../../src/diff/space.js';
import { allSchemaFiles, readSchema } from '../../src/schemas/index.js';
import { pairArb } from './mutations.js';
import { DIFF_SEED } from './seed.js';

const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
for (const f of allSchemaFiles()) ajv.addSchema(readSchema(f), f);
const validate = ajv.compile(readSchema('diff-report.schema.json'));

describe('the diff report', () => {
  it('compiles under ajv strict mode and describes every report (12 random pairs)', () => {
    fc.assert(
      fc.property(pairArb, ({ base, head }) => {
        const report = diffDecisions(base, head);
        const json: unknown = JSON.parse(renderJson(report, { replayRegressions: 1 }));
        if (!validate(json)) throw new Error(JSON.stringify(validate.errors?.slice(0, 3)));
        const text = renderHuman(report);
        expect(text.split('\n')[0]).toBe(headline(report));
        expect(headline(report, { replayRegressions: 1 })).toMatch(/· 1 incident replay regress$/);
        if (report.summary.loosened > 0) expect(headline(report)).toMatch(/^⚠ (panic flag .* · )?loosens \d+ decisions?/);
      }),
      // A random pair with several argument conditions can cost seconds to diff (the cells multiply
      // per argument path), so fewer runs, with a time-out of their own.
      { numRuns: 12, seed: DIFF_SEED },
    );
  }, 600_000);

  it('writes instants just outside years 0000-9999 (UTC) with an offset the evaluator reads back', () => {
    for (const text of ['9999-12-31T23:59:59.999999999-23:59', '0000-01-01T00:00:00+23:59', '2026-04-25T21:14:03.5Z']) {
      const t = parseRfc3339(text)!;
      const written = writeInstant(t)!;
      expect(parseRfc3339(written)).toEqual(t);
    }
    expect(writeInstant({ seconds: 400_000_000_000, nanos: 0 })).toBeNull();
  });
});

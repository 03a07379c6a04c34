import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { JsonPath, LoadedDocument } from '../../load/types.js';
import { parseTimestamp } from '../context.js';
import type { ValidationRule } from '../context.js';

/**
 * The schemas check the shape of a date-time; this checks that it exists on the calendar
 * (`2027-02-30T00:00:00Z` has the right shape), since expiry comparisons need a real instant.
 */
export const invalidTimestamp: ValidationRule = {
  name: 'invalid-timestamp',
  codes: [VALIDATION_CODES.invalidTimestamp],
  check({ set }) {
    const sites: { doc: LoadedDocument; value: string; path: JsonPath }[] = [];
    for (const doc of set.tokens) {
      if (doc.value.spec.expires !== undefined) sites.push({ doc, value: doc.value.spec.expires, path: ['spec', 'expires'] });
    }
    for (const doc of set.overrides) {
      if (doc.value.spec.expires !== undefined) sites.push({ doc, value: doc.value.spec.expires, path: ['spec', 'expires'] });
    }
    for (const doc of set.replays) {
      const { spec } = doc.value;
      if (spec.overrides?.expires !== undefined) sites.push({ doc, value: spec.overrides.expires, path: ['spec', 'overrides', 'expires'] });
      sites.push({ doc, value: `${spec.date}T00:00:00Z`, path: ['spec', 'date'] });
      spec.steps.forEach((step, i) => sites.push({ doc, value: step.time, path: ['spec', 'steps', i, 'time'] }));
    }
    for (const doc of set.testSuites) {
      const expires = doc.value.spec.overrides?.expires;
      if (expires !== undefined) sites.push({ doc, value: expires, path: ['spec', 'overrides', 'expires'] });
    }
    const out: Diagnostic[] = [];
    for (const site of sites) {
      if (parseTimestamp(site.value) !== undefined) continue;
      const shown = site.path[site.path.length - 1] === 'date' ? site.value.slice(0, 10) : site.value;
      out.push(
        diagnostic(
          VALIDATION_CODES.invalidTimestamp,
          `\`${shown}\` is not a valid date-time`,
          site.doc.locate(site.path),
          'check the month, day and time fields (e.g. February has 28 or 29 days, hours go to 23)',
        ),
      );
    }
    return out;
  },
};

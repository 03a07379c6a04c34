import { headline, type HeadlineOptions } from './headline.js';
import type { DiffReport } from './types.js';

/** `--format json`: the report plus its headline, as schemas/diff-report.schema.json describes. */
export function renderJson(report: DiffReport, options: HeadlineOptions = {}): string {
  return `${JSON.stringify({ headline: headline(report, options), ...report }, null, 2)}\n`;
}

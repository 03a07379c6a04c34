import type { InsightReport } from '../insight/index.js';

/** `blastguard report --format json`: the report as it is, versioned for scripts. */
export function renderInsightJson(r: InsightReport): string {
  return JSON.stringify({ reportVersion: 1, ...r }, null, 2) + '\n';
}

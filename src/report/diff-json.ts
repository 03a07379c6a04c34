import { renderJson } from '../diff/index.js';
import type { PolicyDiff } from '../toolchain/index.js';

/** `diff.json` of a pull request: the decision diff as schemas/diff-report.schema.json describes it; null when the head does not validate. */
export function renderDiffJson(diff: PolicyDiff): string | null {
  if (diff.report === null) return null;
  return renderJson(diff.report, diff.replay ? { replayRegressions: diff.replay.regressions } : {});
}

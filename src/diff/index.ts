export { diffDecisions, type DiffOptions } from './diff.js';
export { conditionsHold, readInput, type ReadInput } from './conditions.js';
export { DIFF_ERROR_CODES } from './codes.js';
export { headline, type HeadlineOptions } from './headline.js';
export { describeConditions, describeRow, renderHuman, type HumanOptions } from './render-human.js';
export { renderJson } from './render-json.js';
export type { Cell } from './space.js';
export type * from './types.js';

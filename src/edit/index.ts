export { EDIT_CODES, EDIT_CODE_TITLES } from './codes.js';
export type { EditCode } from './codes.js';
export { promoteRules } from './promote.js';
export type { PromoteOptions, PromoteResult, PromotedRule } from './promote.js';
export { narrowToken } from './narrow-token.js';
export type { NarrowTokenOptions, NarrowedToken } from './narrow-token.js';
export { applyEdits } from './splice.js';
export type { TextEdit } from './splice.js';

export { ActiveEngine } from './active.js';
export type { LoadedEngine } from './active.js';
export { loadBundleEngine } from './bundle.js';
export { memoryMinPages } from './memory.js';
export { ALLOW_ENTRYPOINT, DECISION_ENTRYPOINT, loadDecisionEngine } from './sdk.js';
export type { DecisionEngine } from './sdk.js';
export { readBundleCatalog } from './catalog.js';

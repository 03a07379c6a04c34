/** Renderers of test results: for people (human), for scripts (json), for pull requests (github) and for CI dashboards (junit). */
export { formatBuilt } from './built.js';
export type { BuiltSummary } from './built.js';
export { caseTitle, counts } from './case.js';
export { formatError } from './error.js';
export { formatGithub } from './github.js';
export { formatHuman, formatHumanResults, formatHumanVerdict } from './human.js';
export type { HumanOptions } from './human.js';
export { formatJson } from './json.js';
export type { TestReportJson } from './json.js';
export { formatJunit } from './junit.js';
export { xml } from './xml.js';

export type TestFormat = 'human' | 'json' | 'github';

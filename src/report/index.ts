/** Renderers of test results (human, json, github annotations, junit) and of policy diffs for pull requests (markdown, sticky comment). */
export { formatBuilt } from './built.js';
export type { BuiltSummary } from './built.js';
export { caseTitle, counts } from './case.js';
export { renderDiffJson } from './diff-json.js';
export { COMMENT_LIMIT, diffChangesSomething, diffHeadline, renderDiffMarkdown } from './diff-markdown.js';
export type { DiffMarkdownOptions } from './diff-markdown.js';
export { formatError } from './error.js';
export { formatGithub } from './github.js';
export { formatHuman, formatHumanResults, formatHumanVerdict } from './human.js';
export type { HumanOptions } from './human.js';
export { formatJson } from './json.js';
export type { TestReportJson } from './json.js';
export { formatJunit } from './junit.js';
export { markerLine, parseMarker, planSticky, withoutMarker } from './sticky.js';
export type { ExistingComment, StickyMeta, StickyPlan } from './sticky.js';
export { xml } from './xml.js';

export type TestFormat = 'human' | 'json' | 'github';
export { renderInsightHuman } from './insight-human.js';
export { renderInsightJson } from './insight-json.js';
export { renderInsightMarkdown } from './insight-markdown.js';
export { renderInsightHtml } from './insight-html.js';
export { logReplayHeadline, renderLogReplayHuman, renderLogReplayMarkdown } from './log-replay.js';

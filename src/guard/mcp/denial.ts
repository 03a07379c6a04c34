import { escape } from '../../core/untrusted.js';
import type { CallVerdict } from './decide.js';
import type { JsonRpcId, JsonRpcMessage } from './jsonrpc.js';

/** Where the decision travels in a denial's `_meta` (MCP reserves reverse-DNS prefixes for `_meta` keys). */
export const DECISION_META_KEY = 'dev.blastguard/decision';

/** The 2026-07-28 revision marks every result `resultType: "complete"` (or `input_required`). */
export const STATELESS_REVISION = '2026-07-28';

/**
 * The answer to a denied `tools/call`: a tool result with `isError: true` (MCP's channel for tool
 * errors, which "language models can use to self-correct"), not a protocol error such as
 * "unknown tool", so an agent reads that policy refused this call, which rule, and why. The
 * decision id finds the decision-log event.
 */
export function denialResult(id: JsonRpcId, verdict: CallVerdict, revision: string | null): JsonRpcMessage {
  const what = verdict.tool === null ? 'the tool call' : `tool \`${escape(verdict.tool)}\``;
  const operation = verdict.operation !== null && verdict.operation !== verdict.tool ? ` (operation \`${escape(verdict.operation)}\`)` : '';
  // A call that could not be read is denied for a missing `operation`: the reading's own message is the cause.
  const unread = verdict.operation === null && verdict.error !== undefined;
  const reasons = verdict.reasons.length > 0 ? verdict.reasons.map((r) => escape(r, 500)).join('; ') : 'no reason given';
  const text = [
    unread
      ? `blastguard denied ${what} by policy (rule \`${escape(verdict.rule)}\`): the call could not be read: ${verdict.error!.code} ${escape(verdict.error!.message, 500)}.`
      : `blastguard denied ${what}${operation} by policy: rule \`${escape(verdict.rule)}\`: ${reasons}.`,
    verdict.error === undefined || unread ? null : `the call could not be read: ${verdict.error.code} ${escape(verdict.error.message, 500)}.`,
    verdict.decisionId === null ? null : `decision id ${verdict.decisionId}.`,
    'Do not retry this call unchanged; ask the person you act for.',
  ]
    .filter((l) => l !== null)
    .join(' ');
  const result: Record<string, unknown> = {
    content: [{ type: 'text', text }],
    isError: true,
    _meta: {
      [DECISION_META_KEY]: {
        decision_id: verdict.decisionId,
        mode: 'deny',
        rule: verdict.rule,
        reasons: verdict.reasons,
        operation: verdict.operation,
        ...(verdict.error === undefined ? {} : { error: verdict.error }),
      },
    },
  };
  if (revision === STATELESS_REVISION) result['resultType'] = 'complete';
  return { jsonrpc: '2.0', id, result };
}

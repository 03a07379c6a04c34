import type { ServerResponse } from 'node:http';
import type { Decision } from '../ir/types.js';

/** One operation that stopped a request, as the client is told. */
export interface Refusal {
  operation: string | null;
  alias?: string;
  decision: Decision;
  decisionId: string;
  /** The extraction code, when the request could not be read one way. */
  error?: { code: string; message: string };
}

/**
 * A denial in the shape the client's protocol expects: GraphQL's `errors` list (GraphQL over HTTP,
 * `extensions.code: BLASTGUARD_DENIED`) or RFC 9457 problem details. Nothing was forwarded.
 */
export function sendDenial(res: ServerResponse, protocol: string | null, refusals: readonly Refusal[], status = 403): void {
  const body = protocol === 'graphql' ? graphqlDenial(refusals) : problemDenial(refusals, status);
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': protocol === 'graphql' ? 'application/json; charset=utf-8' : PROBLEM_TYPE,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * Problem details as UTF-8 text: Octokit reads a body as JSON only for `application/json`, as text
 * for `charset=utf-8`, and anything else as bytes ("Unknown error").
 */
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

function describe(r: Refusal): string {
  const what = r.operation === null ? 'the request' : `\`${r.alias ?? r.operation}\``;
  // A request that could not be read is denied for a missing `operation`: the reading's own
  // message (no route matches, a body past the limit) is what the caller can act on.
  const why = r.operation === null && r.error !== undefined ? `${r.error.code} ${r.error.message}` : r.decision.reasons.join('; ') || r.error?.message || 'denied';
  return `${what} was denied by blastguard rule \`${r.decision.rule}\`: ${why}`;
}

function graphqlDenial(refusals: readonly Refusal[]): unknown {
  return {
    errors: refusals.map((r) => ({
      message: describe(r),
      ...(r.operation === null ? {} : { path: [r.alias ?? r.operation] }),
      extensions: {
        code: 'BLASTGUARD_DENIED',
        rule: r.decision.rule,
        reasons: r.decision.reasons,
        decision_id: r.decisionId,
        operation: r.operation,
        ...(r.error === undefined ? {} : { error_code: r.error.code }),
      },
    })),
  };
}

function problemDenial(refusals: readonly Refusal[], status: number): unknown {
  const [first] = refusals;
  const detail = refusals.map(describe).join(' ');
  return {
    type: 'https://blastguard.dev/problems/denied',
    title: 'Denied by policy',
    status,
    detail,
    // GitHub's error member (RFC 9457 extension): what go-github and Octokit show as the error.
    message: detail,
    code: 'BLASTGUARD_DENIED',
    rule: first?.decision.rule ?? null,
    reasons: first?.decision.reasons ?? [],
    decision_id: first?.decisionId ?? null,
    operation: first?.operation ?? null,
    ...(first?.error === undefined ? {} : { error_code: first.error.code }),
    denials: refusals.map((r) => ({ operation: r.operation, rule: r.decision.rule, reasons: r.decision.reasons, decision_id: r.decisionId })),
  };
}

/** A failure of the proxy itself (upstream down, not ready): problem details with the proxy's code. */
export function sendProblem(res: ServerResponse, status: number, code: string, detail: string, help?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify({ type: 'https://blastguard.dev/problems/proxy', title: 'Proxy error', status, code, detail, message: detail, ...(help === undefined ? {} : { help }) });
  res.writeHead(status, { 'content-type': PROBLEM_TYPE, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

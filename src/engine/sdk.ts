/**
 * The decision engine through the official OPA npm SDK (`@open-policy-agent/opa-wasm`): what the
 * CLI, replay, tests and enforcers use to run a compiled `policy.wasm` exactly as an OPA Wasm host
 * would.
 */
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { BlastguardError } from '../core/errors.js';
import type { Decision } from '../ir/types.js';
import { memoryMinPages } from './memory.js';
import { ENGINE_CODES } from './codes.js';

/** The bundle entrypoint of the whole decision, and of its `allow` flag (entrypoints 0 and 1 of the module). */
export const DECISION_ENTRYPOINT = 'blastguard/decision';
export const ALLOW_ENTRYPOINT = 'blastguard/allow';

export interface DecisionEngine {
  decide(input: unknown): Decision;
  allow(input: unknown): boolean;
}

/** The SDK's default memory (5 pages); bigger programs declare a larger minimum. */
const SDK_DEFAULT_PAGES = 5;

const encoder = new TextEncoder();

function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

// The SDK sends falsy inputs (`false`, `0`, `""`, `null`) as "no input"; their JSON text as an
// ArrayBuffer goes through unchanged, so the policy sees what the caller passed.
function toSdkInput(input: unknown): unknown {
  if (input === undefined || input) return input;
  const bytes = encoder.encode(JSON.stringify(input));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/** Loads a compiled policy and its data (BundleData, or anything an operator patched in). */
export async function loadDecisionEngine(wasm: Uint8Array, data: unknown): Promise<DecisionEngine> {
  let policy: Awaited<ReturnType<typeof loadPolicy>>;
  try {
    policy = await loadPolicy(wasm, { initial: Math.max(SDK_DEFAULT_PAGES, memoryMinPages(wasm)) });
    if (data !== undefined) policy.setData(data as object);
  } catch (e) {
    throw new BlastguardError(ENGINE_CODES.policyUnloadable, `cannot load the policy module: ${message(e)}`, {
      help: 'rebuild the bundle with `blastguard build`; the module or its data may be corrupt',
      cause: e,
    });
  }

  const run = (input: unknown, entrypoint: number): unknown => {
    let rs: unknown;
    try {
      rs = policy.evaluate(toSdkInput(input), entrypoint);
    } catch (e) {
      throw new BlastguardError(ENGINE_CODES.policyAborted, `the policy aborted: ${message(e)}`, {
        help: 'the input or the data could not be processed; check that the input is JSON and not excessively large or deep',
        cause: e,
      });
    }
    if (!Array.isArray(rs) || rs.length !== 1) {
      throw new BlastguardError(ENGINE_CODES.noDecision, 'the policy returned no decision', {
        help: 'the module is not a blastguard policy built by this version; rebuild the bundle',
      });
    }
    return (rs[0] as { result: unknown }).result;
  };

  return {
    decide: (input) => run(input, 0) as Decision,
    allow: (input) => run(input, 1) === true,
  };
}

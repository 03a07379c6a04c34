import { BlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { INSIGHT_CODES } from './codes.js';

/** Who made a call, as the report names callers. */
export interface Caller {
  /** The Token's name when the policy set declares the fingerprint, else the fingerprint. */
  token: string | null;
  originator: string | null;
  tenant: string | null;
}

export type CallerMatcher = (caller: Caller) => boolean;

const FIELDS = ['originator', 'tenant', 'token'] as const;

function globRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * The callers the team marks as unexpected (`--unexpected`): `originator:GLOB`, `tenant:GLOB`,
 * `token:GLOB` (name or fingerprint), or a bare GLOB for an originator; `*` matches any run of
 * characters. A shadow rule hit only by such callers is a promotion candidate.
 */
export function callerMatcher(patterns: readonly string[]): CallerMatcher {
  const tests = patterns.map((pattern) => {
    const colon = pattern.indexOf(':');
    const field = colon < 0 ? 'originator' : pattern.slice(0, colon);
    const glob = colon < 0 ? pattern : pattern.slice(colon + 1);
    if (!(FIELDS as readonly string[]).includes(field) || glob === '') {
      throw new BlastguardError(INSIGHT_CODES.badCaller, `\`${escape(pattern)}\` is not a caller pattern`, {
        help: 'write originator:GLOB, tenant:GLOB, token:GLOB or a bare originator GLOB, e.g. --unexpected "originator:agent-*"',
      });
    }
    const re = globRegExp(glob);
    const key = field as (typeof FIELDS)[number];
    return (caller: Caller): boolean => {
      const value = caller[key];
      return value !== null && re.test(value);
    };
  });
  return (caller) => tests.some((t) => t(caller));
}

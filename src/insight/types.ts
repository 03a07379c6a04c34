import type { Burst } from './bursts.js';
import type { Caller } from './callers.js';
import type { ReadLogsStats } from './read-logs.js';

export type { Burst } from './bursts.js';
export type { Caller } from './callers.js';

/** A distinct count and whether it is exact (else a HyperLogLog estimate). */
export interface Distinct {
  count: number;
  exact: boolean;
}

export interface CallerCounts {
  tokens: Distinct;
  originators: Distinct;
  tenants: Distinct;
}

export interface RuleReport {
  /** `<policy>/<rule>`, or a built-in finding (`default:destructive`, `token:scope`…). */
  id: string;
  /** The rule's mode in the policy set; null when the set was not given or does not declare it. */
  mode: 'allow' | 'shadow' | 'deny' | null;
  /** Decisions this finding decided. */
  decided: number;
  wouldDeny: number;
  deny: number;
  /** Would-deny hits from callers marked unexpected. */
  unexpected: number;
  callers: CallerCounts;
  firstSeen: string | null;
  lastSeen: string | null;
  sampleIds: string[];
}

export interface OperationReport {
  api: string;
  operation: string;
  class: string | null;
  decisions: number;
  wouldDeny: number;
  deny: number;
  callers: CallerCounts;
  firstSeen: string;
  lastSeen: string;
  sampleIds: string[];
}

export interface SampleCall {
  id: string;
  operation: string;
  caller: Caller;
}

export interface PromotionCandidate {
  rule: string;
  /** `no-hits`: no would-deny in the window; `unexpected-only`: every hit came from an unexpected caller. */
  why: 'no-hits' | 'unexpected-only';
  wouldDeny: number;
  samples: SampleCall[];
}

export interface NoisyRule {
  rule: string;
  wouldDeny: number;
  /** Hits from callers not marked unexpected: the calls promotion would break. */
  expected: number;
  samples: SampleCall[];
}

export interface TokenOperation {
  operation: string;
  calls: number;
  unexpected: number;
  /** Whether the token's grants cover it (null when the token is not declared). */
  granted: boolean | null;
}

export interface TokenReport {
  /** The Token's name, or the fingerprint when the policy set does not declare it. */
  token: string;
  fingerprint: string;
  declared: boolean;
  apis: string[];
  calls: number;
  outsideGrant: number;
  originators: Distinct;
  firstSeen: string;
  lastSeen: string;
  used: TokenOperation[];
  /** Operations the grants cover that no call used in the window (least-privilege suggestions). */
  unused: string[];
  /** Granted operations used only by unexpected callers: a grant of `suggested` would deny these calls. */
  narrowerDenies: { operations: string[]; calls: number };
  /** The operations a narrower grant would keep: used by at least one expected caller. */
  suggested: string[];
}

/** A token declared in the policy set that made no call in the window. */
export interface IdleToken {
  token: string;
  granted: string[];
}

export interface SeriesReport {
  name: string;
  wouldDeny: number[];
  deny: number[];
}

export interface InsightReport {
  window: { from: string | null; to: string | null; since: string | null; until: string | null };
  read: ReadLogsStats;
  modes: { allow: number; shadow: number; deny: number };
  /** Decisions per bundle revision that decided them (`name@revision`), oldest first. */
  revisions: { revision: string; events: number; firstSeen: string; lastSeen: string }[];
  distinctMethod: string;
  unexpectedPatterns: string[];
  rules: RuleReport[];
  operations: OperationReport[];
  candidates: PromotionCandidate[];
  noisy: NoisyRule[];
  tokens: TokenReport[];
  idleTokens: IdleToken[];
  bursts: Burst[];
  burstOptions: { windowMs: number; threshold: number };
  timeline: { widthMs: number; buckets: string[]; rules: SeriesReport[]; tokens: SeriesReport[] };
}

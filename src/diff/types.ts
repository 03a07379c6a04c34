import type { Enforcement, Mode, OperationClass } from '../ir/types.js';

/**
 * A set of values of one optional input field, by membership: `in` holds exactly the listed
 * values, `notIn` every value except them. `null` stands for the field being absent (an empty
 * originator or tenant counts as absent, as the evaluator reads it).
 */
export type ValueCondition = { in: (string | null)[] } | { notIn: (string | null)[] };

/**
 * The input region of a row: every dimension the row's decisions depend on. A dimension left out
 * does not matter for the row (every value of it gets the same before and after).
 */
export interface Conditions {
  /** A named operation, or every operation neither side names that classifies as `unnamed`. */
  operation: { name: string } | { unnamed: OperationClass };
  /** Present when an uncatalogued name's class depends on its type: `query: true` is type `query`, false any other or none. */
  operationType?: { query: boolean };
  /** Declared environments; `unknown` adds a missing one and every value the API's `environments` on neither side name. */
  environment: { in: string[]; unknown: boolean };
  /** Token fingerprints declared for the API on either side; `unknown` adds every other fingerprint, `missing` no token. */
  token: { fingerprints: string[]; missing: boolean; unknown: boolean };
  /** `from` inclusive, `until` exclusive, RFC 3339 UTC; null is unbounded. */
  time?: { from: string | null; until: string | null };
  /** Inclusive bounds within 1..1000000000. */
  attempt?: { min: number; max: number };
  verified?: boolean;
  originator?: ValueCondition;
  tenant?: ValueCondition;
  resourceKind?: ValueCondition;
  resourceId?: ValueCondition;
  project?: ValueCondition;
  /** By argument path: the classes of its value (see ArgumentAtom). */
  arguments?: Record<string, ArgumentValues>;
}

/**
 * A class of an argument's value: `absent` (missing or null), `empty` (an empty string, list or
 * object that no condition lists), or the JSON text of a value some condition lists (`true`,
 * `"true"`, `3`). Everything else — other scalars, non-empty lists and objects — is decided alike.
 */
export type ArgumentAtom = string;
export type ArgumentValues = { in: ArgumentAtom[] } | { notIn: ArgumentAtom[] };

export interface SideDecision {
  mode: Mode;
  /** The finding that decided: `<policy>/<rule>`, `default:<class>`, `token:<…>`, `overrides:lockdown` or `api:unknown`. */
  rule: string;
  /** The operation's class on this side; null when the API is not declared on this side. */
  class: OperationClass | null;
}

export type Direction = 'loosened' | 'tightened' | 'same-mode-other-rule';

export interface DiffRow {
  api: string;
  /** The operation's name, or `class:<c>` for every operation neither side names that is classified `c`. */
  operation: string;
  /** Readable environment labels: names, and `unknown` for a missing or undeclared one. */
  environment: string[];
  /** Readable token labels: Token names, `unknown`, `missing`. */
  token: string[];
  conditions: Conditions;
  before: SideDecision;
  after: SideDecision;
  direction: Direction;
  /** Whether the row's effective environment on the head side is a protected one (for the headline). */
  protected: boolean;
  /** One decision input inside the row, e.g. for `blastguard eval` on either side. */
  example: Record<string, unknown>;
}

export type Verdict = 'equivalent' | 'tighter' | 'looser' | 'incomparable';

export interface OperationVerdict {
  api: string;
  operation: string;
  verdict: Verdict;
  /** Changed cells in which only the deciding rule changed (the verdict compares modes). */
  otherRule: number;
}

export interface ApiSpace {
  name: string;
  /** Every operation name either side names for the API: anything else is `unnamed`. */
  operations: string[];
  /** Every environment value either side names for the API: anything else (or none) is `unknown`. */
  environments: string[];
  /** The head's protected environments (the base's when the head drops the API), most protected first. */
  protectedEnvironments: string[];
  /** Every token declared for the API on either side, with its name on each side. */
  tokens: { fingerprint: string; before: string | null; after: string | null }[];
}

export type FactKind =
  | 'overrides-changed'
  | 'api-added'
  | 'api-removed'
  | 'api-changed'
  | 'operation-added'
  | 'operation-removed'
  | 'operation-class-changed'
  | 'rule-added'
  | 'rule-removed'
  | 'rule-mode-changed'
  | 'rule-match-changed'
  | 'rule-reordered'
  | 'token-added'
  | 'token-removed'
  | 'token-fingerprint-changed'
  | 'token-grant-added'
  | 'token-grant-removed'
  | 'token-grant-widened'
  | 'token-grant-narrowed'
  | 'token-expiry-later'
  | 'token-expiry-earlier';

export interface Fact {
  kind: FactKind;
  /** What changed: a rule id, token name, `api/operation`, api name or `overrides`. */
  subject: string;
  /** One lowercase line with user values in backticks. */
  message: string;
  /** `loosens` / `tightens` when the fact alone moves decisions one way, else `changes`. */
  effect: 'loosens' | 'tightens' | 'changes';
}

export interface OverridesChange {
  before: { enforcement: Enforcement; reason: string | null; expires: string | null };
  after: { enforcement: Enforcement; reason: string | null; expires: string | null };
  /** The enforcement value differs: the first thing a reviewer must see. */
  flipped: boolean;
}

export interface DiffReport {
  reportVersion: 1;
  base: { irDigest: string };
  head: { irDigest: string };
  summary: {
    loosened: number;
    /** Loosened rows whose head-side environment is protected. */
    loosenedProtected: number;
    /** Loosened rows of a destructive operation (on either side). */
    loosenedDestructive: number;
    tightened: number;
    sameModeOtherRule: number;
    /** Cells evaluated on both sides with the reference evaluator. */
    cellsEvaluated: number;
  };
  overrides: OverridesChange | null;
  apis: ApiSpace[];
  /** Every changed cell, merged into rows; sorted by api, operation, direction. */
  rows: DiffRow[];
  /** Per API × operation (named, and one per class for unnamed operations). */
  verdicts: OperationVerdict[];
  facts: Fact[];
}

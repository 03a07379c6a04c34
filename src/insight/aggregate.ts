import { BurstDetector, type BurstOptions } from './bursts.js';
import type { Caller, CallerMatcher } from './callers.js';
import { DistinctCounter, hash32 } from './distinct.js';
import type { LoggedDecision } from './event.js';
import { Timeline, type Series } from './timeline.js';

/** Keys tracked per table; past it, new keys count under `(other)` so memory stays bounded. */
export const MAX_KEYS = 10_000;
export const OTHER = '(other)';
const SAMPLES = 5;
const MAX_REVISIONS = 100;

export class Extent {
  first = Infinity;
  last = -Infinity;
  see(t: number): void {
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
  }
}

/** An event's caller hashed once for every distinct counter it feeds; -1 for absent. */
interface CallerHashes {
  token: number;
  originator: number;
  tenant: number;
}

class Callers {
  readonly tokens = new DistinctCounter();
  readonly originators = new DistinctCounter();
  readonly tenants = new DistinctCounter();
  see(h: CallerHashes): void {
    if (h.token >= 0) this.tokens.addHash(h.token);
    if (h.originator >= 0) this.originators.addHash(h.originator);
    if (h.tenant >= 0) this.tenants.addHash(h.tenant);
  }
}

export interface SampledCall {
  id: string;
  operation: string;
  caller: Caller;
}

export class RuleAcc {
  decided = 0;
  wouldDeny = 0;
  deny = 0;
  /** Would-deny hits from callers marked unexpected. */
  unexpected = 0;
  readonly callers = new Callers();
  readonly extent = new Extent();
  readonly samples: string[] = [];
  /** Would-deny hits from expected callers: what makes a rule noisy. */
  readonly expectedSamples: SampledCall[] = [];
  readonly unexpectedSamples: SampledCall[] = [];
  constructor(readonly series: Series) {}
}

export class OperationAcc {
  decisions = 0;
  wouldDeny = 0;
  deny = 0;
  opClass: string | null = null;
  readonly callers = new Callers();
  readonly extent = new Extent();
  readonly samples: string[] = [];
  constructor(readonly api: string, readonly operation: string) {}
}

export interface TokenOperationUse {
  calls: number;
  unexpected: number;
  wouldDeny: number;
  deny: number;
}

export class TokenAcc {
  calls = 0;
  /** Calls refused or flagged because the token's grants do not cover them (`token:scope`). */
  outsideGrant = 0;
  readonly apis = new Set<string>();
  readonly operations = new Map<string, TokenOperationUse>();
  readonly originators = new DistinctCounter();
  readonly extent = new Extent();
  constructor(readonly series: Series) {}
}

export interface AggregateOptions {
  unexpected: CallerMatcher;
  /** The Token name for a fingerprint, when the policy set declares it. */
  tokenName: (fingerprint: string) => string | null;
  /** False when no Token is declared (logs read without a policy set): names are not looked up. */
  declaresTokens: boolean;
  bursts: BurstOptions;
}

function boundedGet<V>(map: Map<string, V>, key: string, make: (key: string) => V, max = MAX_KEYS): V {
  let v = map.get(key);
  if (v !== undefined) return v;
  const k = map.size >= max ? OTHER : key;
  v = map.get(k);
  if (v === undefined) {
    v = make(k);
    map.set(k, v);
  }
  return v;
}

/** Folds decisions one at a time into bounded tables: what `report` renders. */
export class Aggregate {
  readonly timeline = new Timeline();
  readonly rules = new Map<string, RuleAcc>();
  readonly operations = new Map<string, OperationAcc>();
  readonly tokens = new Map<string, TokenAcc>();
  readonly extent = new Extent();
  readonly modes = { allow: 0, shadow: 0, deny: 0 };
  /** Decisions per bundle revision (`name@revision`): a window spanning a policy change shows it. */
  readonly revisions = new Map<string, { events: number; extent: Extent }>();
  events = 0;
  private readonly burstsByActor: BurstDetector;
  private readonly names = new Map<string, string | null>();

  constructor(private readonly options: AggregateOptions) {
    this.burstsByActor = new BurstDetector(options.bursts);
  }

  /** By api, then operation: a lookup by the logged strings, not an `api/operation` string built per event. */
  private readonly opIndex = new Map<string, Map<string, OperationAcc>>();

  private operation(api: string, operation: string): OperationAcc {
    let byOp = this.opIndex.get(api);
    if (byOp === undefined) {
      byOp = new Map();
      if (this.opIndex.size < MAX_KEYS) this.opIndex.set(api, byOp);
    }
    let op = byOp.get(operation);
    if (op === undefined) {
      op = boundedGet(this.operations, `${api}/${operation}`, () => new OperationAcc(api, operation));
      if (byOp.size < MAX_KEYS) byOp.set(operation, op);
    }
    return op;
  }

  private tokenLabel(fingerprint: string): string {
    if (!this.options.declaresTokens) return fingerprint;
    let name = this.names.get(fingerprint);
    if (name === undefined) {
      name = this.options.tokenName(fingerprint);
      if (this.names.size < MAX_KEYS) this.names.set(fingerprint, name);
    }
    return name ?? fingerprint;
  }

  add(d: LoggedDecision): void {
    this.events++;
    this.modes[d.mode]++;
    this.extent.see(d.timeMs);
    if (d.revision !== null) {
      const revision = boundedGet(this.revisions, d.revision, () => ({ events: 0, extent: new Extent() }), MAX_REVISIONS);
      revision.events++;
      revision.extent.see(d.timeMs);
    }
    const caller: Caller = { token: d.token === null ? null : this.tokenLabel(d.token), originator: d.originator, tenant: d.tenant };
    const hashes: CallerHashes = {
      token: caller.token === null ? -1 : hash32(caller.token),
      originator: caller.originator === null ? -1 : hash32(caller.originator),
      tenant: caller.tenant === null ? -1 : hash32(caller.tenant),
    };
    const unexpected = this.options.unexpected(caller);
    const bucket = this.timeline.index(d.timeMs);

    const op = this.operation(d.api, d.operation);
    op.decisions++;
    if (d.mode === 'shadow') op.wouldDeny++;
    if (d.mode === 'deny') op.deny++;
    if (op.opClass === null) op.opClass = d.opClass;
    op.callers.see(hashes);
    op.extent.see(d.timeMs);
    if (d.mode !== 'allow' && op.samples.length < SAMPLES) op.samples.push(d.id);

    let outsideGrant = false;
    for (const f of d.findings) {
      if (f.rule === 'token:scope') outsideGrant = true;
      const rule = boundedGet(this.rules, f.rule, () => new RuleAcc(this.timeline.newSeries()));
      if (f.rule === d.rule) rule.decided++;
      rule.callers.see(hashes);
      rule.extent.see(d.timeMs);
      if (rule.samples.length < SAMPLES) rule.samples.push(d.id);
      if (f.mode === 'deny') {
        rule.deny++;
        rule.series.add(bucket, 0, 1);
        continue;
      }
      rule.wouldDeny++;
      rule.series.add(bucket, 1, 0);
      if (unexpected) {
        rule.unexpected++;
        if (rule.unexpectedSamples.length < SAMPLES) rule.unexpectedSamples.push({ id: d.id, operation: d.operation, caller });
      } else if (rule.expectedSamples.length < SAMPLES) rule.expectedSamples.push({ id: d.id, operation: d.operation, caller });
    }

    if (d.token !== null) {
      const token = boundedGet(this.tokens, d.token, () => new TokenAcc(this.timeline.newSeries()));
      token.calls++;
      if (outsideGrant) token.outsideGrant++;
      if (token.apis.size < 16) token.apis.add(d.api);
      token.extent.see(d.timeMs);
      if (hashes.originator >= 0) token.originators.addHash(hashes.originator);
      token.series.add(bucket, d.mode === 'shadow' ? 1 : 0, d.mode === 'deny' ? 1 : 0);
      const use = boundedGet(token.operations, d.operation, () => ({ calls: 0, unexpected: 0, wouldDeny: 0, deny: 0 }));
      use.calls++;
      if (unexpected) use.unexpected++;
      if (d.mode === 'shadow') use.wouldDeny++;
      if (d.mode === 'deny') use.deny++;
    }

    if (d.opClass === 'destructive') {
      const denied = d.mode === 'deny';
      const key = `${d.operation}\u0000${d.resource ?? ''}`;
      if (caller.token !== null) this.burstsByActor.add('token', caller.token, d.timeMs, d.operation, d.resource, denied, d.id, key);
      if (d.originator !== null) this.burstsByActor.add('originator', d.originator, d.timeMs, d.operation, d.resource, denied, d.id, key);
    }
  }

  bursts(): ReturnType<BurstDetector['finish']> {
    return this.burstsByActor.finish();
  }
}

/**
 * Decisions as a worker hands them back: a string table (each distinct string once per batch —
 * rules, operations and tokens repeat, so the reading thread gets few strings to copy) and flat
 * typed arrays that transfer without copying. Decoding rebuilds the same `LoggedDecision`s
 * (without their input).
 */
import { idKey } from './dedupe.js';
import type { Finding, LoggedDecision, LoggedMode } from './event.js';

export interface DecisionBatch {
  count: number;
  strings: string[];
  /** Decision ids, one an event: unique, so not worth a table lookup. */
  ids: string[];
  /** `idKey` halves of each id, for the reader's duplicate check. */
  idKeys: Int32Array;
  /** `FIELDS` string indices an event (-1 for null), then the event's finding count. */
  ints: Int32Array;
  times: Float64Array;
  /** Finding pairs: rule index, mode (0 shadow, 1 deny). */
  findings: Int32Array;
}

const FIELDS = 10;
const MODE_CODES: Record<LoggedMode, number> = { allow: 0, shadow: 1, deny: 2 };
const MODES: readonly LoggedMode[] = ['allow', 'shadow', 'deny'];

export class DecisionEncoder {
  private readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly idKeys: number[] = [];
  private readonly ints: number[] = [];
  private readonly times: number[] = [];
  private readonly findings: number[] = [];

  private s(value: string | null): number {
    if (value === null) return -1;
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(value);
      this.index.set(value, i);
    }
    return i;
  }

  add(d: LoggedDecision): void {
    this.times.push(d.timeMs);
    this.ids.push(d.id);
    const [a, b] = idKey(d.id);
    this.idKeys.push(a, b);
    this.ints.push(this.s(d.api), this.s(d.operation), this.s(d.opClass), MODE_CODES[d.mode], this.s(d.rule), this.s(d.token), this.s(d.originator), this.s(d.tenant), this.s(d.resource), this.s(d.revision), d.findings.length);
    for (const f of d.findings) this.findings.push(this.s(f.rule), f.mode === 'deny' ? 1 : 0);
  }

  finish(): DecisionBatch {
    return { count: this.times.length, strings: this.strings, ids: this.ids, idKeys: Int32Array.from(this.idKeys), ints: Int32Array.from(this.ints), times: Float64Array.from(this.times), findings: Int32Array.from(this.findings) };
  }
}

/** Calls `onDecision` for every decision of the batch, in order. */
export function decodeDecisions(batch: DecisionBatch, onDecision: (d: LoggedDecision, a: number, b: number) => void): void {
  const { strings, ids, idKeys, ints, times, findings } = batch;
  const str = (i: number): string | null => (i < 0 ? null : strings[i]!);
  const shared: (Finding | undefined)[] = [];
  let f = 0;
  for (let e = 0, k = 0; e < batch.count; e++, k += FIELDS + 1) {
    const n = ints[k + FIELDS]!;
    const list: Finding[] = new Array<Finding>(n);
    for (let j = 0; j < n; j++, f += 2) {
      // One Finding per (rule, mode) a batch: the same few repeat on every event, and nothing mutates them.
      const slot = findings[f]! * 2 + findings[f + 1]!;
      list[j] = shared[slot] ??= { rule: strings[findings[f]!]!, mode: findings[f + 1] === 1 ? 'deny' : 'shadow' };
    }
    onDecision(
      {
        id: ids[e]!,
        timeMs: times[e]!,
        api: strings[ints[k]!]!,
        operation: strings[ints[k + 1]!]!,
        opClass: str(ints[k + 2]!),
        mode: MODES[ints[k + 3]!]!,
        rule: strings[ints[k + 4]!]!,
        findings: list,
        token: str(ints[k + 5]!),
        originator: str(ints[k + 6]!),
        tenant: str(ints[k + 7]!),
        resource: str(ints[k + 8]!),
        revision: str(ints[k + 9]!),
        input: undefined,
      },
      idKeys[2 * e]!,
      idKeys[2 * e + 1]!,
    );
  }
}

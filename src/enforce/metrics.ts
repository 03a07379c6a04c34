import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { Decision } from '../ir/types.js';
import type { EnforcerStatus } from './status.js';

/**
 * Prometheus metrics of one enforcer, in its own registry (two enforcers in a process do not mix).
 * Decisions are counted in plain maps and arrays on the hot path and handed to prom-client at
 * scrape time: a labelled `inc()` or a histogram `observe()` per decision would cost a good part
 * of the decision itself.
 */
export const LATENCY_BUCKETS_SECONDS = [0.000001, 0.000002, 0.000005, 0.00001, 0.00002, 0.00005, 0.0001, 0.0005, 0.001, 0.01];

const LATENCY_NAME = 'blastguard_decision_duration_seconds';

/** One sample line as prom-client renders it (`metricName{labels} value`). */
interface SampleValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * The decision latency histogram: bucket counts in a typed array on the hot path, written out in
 * prom-client's histogram shape (`_bucket{le}` cumulative, `_sum`, `_count`) when scraped.
 */
class LatencyHistogram {
  readonly name = LATENCY_NAME;
  readonly help = 'Time to decide one input.';
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  /** One count per bucket, and one past the last for `+Inf`. */
  private readonly counts = new Float64Array(LATENCY_BUCKETS_SECONDS.length + 1);
  private sum = 0;

  observe(seconds: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS_SECONDS.length && seconds > LATENCY_BUCKETS_SECONDS[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
  }

  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: SampleValue[] }> {
    const values: SampleValue[] = [];
    let cumulative = 0;
    LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
      cumulative += this.counts[i]!;
      values.push({ metricName: `${LATENCY_NAME}_bucket`, labels: { le }, value: cumulative });
    });
    cumulative += this.counts[LATENCY_BUCKETS_SECONDS.length]!;
    values.push({ metricName: `${LATENCY_NAME}_bucket`, labels: { le: '+Inf' }, value: cumulative });
    values.push({ metricName: `${LATENCY_NAME}_sum`, labels: {}, value: this.sum });
    values.push({ metricName: `${LATENCY_NAME}_count`, labels: {}, value: cumulative });
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
  }
}

/** No decision's mode or rule (they are JSON values): the first decision always looks its count up. */
const NOTHING_COUNTED = Symbol('nothing counted');

export class EnforcerMetrics {
  readonly registry = new Registry();
  /** mode → rule → count: two lookups on strings the decision already holds, no key to build. */
  private readonly counts = new Map<string, Map<string, { n: number }>>();
  /**
   * The count of the last decision's mode and rule: a run of decisions by one rule (most traffic)
   * counts with two string compares instead of three map operations.
   */
  private lastMode: unknown = NOTHING_COUNTED;
  private lastRule: unknown = NOTHING_COUNTED;
  private lastCount: { n: number } = { n: 0 };
  private readonly envelopeRejections = new Map<string, number>();
  private readonly latency = new LatencyHistogram();

  constructor(status: () => EnforcerStatus) {
    const counts = this.counts;
    new Counter({
      name: 'blastguard_decisions_total',
      help: 'Decisions by mode (allow, shadow, deny) and deciding rule.',
      labelNames: ['mode', 'rule'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [mode, rules] of counts) for (const [rule, count] of rules) this.inc({ mode, rule }, count.n);
      },
    });
    const envelopeRejections = this.envelopeRejections;
    new Counter({
      name: 'blastguard_identity_envelope_rejections_total',
      help: 'Calls denied because their identity envelope failed a check, by code (BG800-BG819): tampering is loud, never a fall-back to baggage.',
      labelNames: ['code'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [code, n] of envelopeRejections) this.inc({ code }, n);
      },
    });
    // prom-client renders any registered object with its metric shape (`get()`); see LatencyHistogram.
    this.registry.registerMetric(this.latency as unknown as Metric);
    new Gauge({
      name: 'blastguard_bundle_info',
      help: 'The active bundle (value 1), by revision and tarball digest.',
      labelNames: ['revision', 'digest'],
      registers: [this.registry],
      collect() {
        this.reset();
        const s = status();
        if (s.active_revision !== null) this.set({ revision: s.active_revision, digest: s.active_digest ?? '' }, 1);
      },
    });
    new Gauge({
      name: 'blastguard_bundle_age_seconds',
      help: 'Seconds since the last successful check of the bundle source (NaN before any).',
      registers: [this.registry],
      collect() {
        this.set(status().staleness.age_seconds ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'blastguard_bundle_sequence',
      help: 'The `metadata.sequence` of the active bundle (NaN when it has none).',
      registers: [this.registry],
      collect() {
        this.set(status().active_sequence ?? Number.NaN);
      },
    });
    const counter = (name: string, help: string, pick: (s: EnforcerStatus) => number): void => {
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(pick(status()));
        },
      });
    };
    counter('blastguard_bundle_download_failures_total', 'Checks of the bundle source that failed.', (s) => s.counters.download_failures);
    counter('blastguard_bundle_activation_failures_total', 'Downloaded bundles refused at activation.', (s) => s.counters.activation_failures);
    counter('blastguard_bundle_activations_total', 'Bundles activated.', (s) => s.counters.activations);
    counter('blastguard_bundle_persist_failures_total', 'Activated bundles that could not be written to the persistence directory.', (s) => s.counters.persist_failures);
    new Counter({
      name: 'blastguard_decision_logs_dropped_total',
      help: 'Decision-log events dropped, by cause (OPA: decision_logs_dropped_<cause>) and decision kind.',
      labelNames: ['cause', 'kind'],
      registers: [this.registry],
      collect() {
        this.reset();
        const logs = status().decision_logs;
        if (logs === null) return;
        const buffer = logs.dropped.decision_logs_dropped_buffer_size_limit_exceeded;
        this.inc({ cause: 'buffer_size_limit_exceeded', kind: 'allow' }, buffer.allow);
        this.inc({ cause: 'buffer_size_limit_exceeded', kind: 'shadow_or_deny' }, buffer.shadow_or_deny);
        this.inc({ cause: 'upload_size_limit_exceeded', kind: 'any' }, logs.dropped.decision_logs_dropped_upload_size_limit_exceeded);
        for (const [cause, counts] of [
          ['file_write_failed', logs.dropped.decision_logs_dropped_file_write_failed],
          ['closed_with_events_buffered', logs.dropped.decision_logs_dropped_closed_with_events_buffered],
        ] as const) {
          this.inc({ cause, kind: 'allow' }, counts.allow);
          this.inc({ cause, kind: 'shadow_or_deny' }, counts.shadow_or_deny);
        }
      },
    });
    new Counter({
      name: 'blastguard_decision_log_failures_total',
      help: 'Failed decision-log writes or uploads, by sink (file, console, upload).',
      labelNames: ['sink'],
      registers: [this.registry],
      collect() {
        this.reset();
        const logs = status().decision_logs;
        if (logs === null) return;
        for (const sink of ['file', 'console', 'upload'] as const) this.inc({ sink }, logs.failures[sink]);
      },
    });
    new Counter({
      name: 'blastguard_decision_log_inputs_erased_total',
      help: 'Decision-log events uploaded without their input (erased: ["/input"]): alone they passed upload_size_limit_bytes.',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(status().decision_logs?.inputErased ?? 0);
      },
    });
    new Gauge({
      name: 'blastguard_enforcer_state',
      help: 'The enforcer state (1 for the current one): starting, downloading, verifying, active, stale, closed.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.reset();
        this.set({ state: status().state }, 1);
      },
    });
    new Gauge({ name: 'blastguard_enforcer_ready', help: '1 when a verified bundle is active.', registers: [this.registry], collect() { this.set(status().ready ? 1 : 0); } });
    new Gauge({ name: 'blastguard_enforcer_healthy', help: '1 when ready and not stale.', registers: [this.registry], collect() { this.set(status().healthy ? 1 : 0); } });
  }

  decision(decision: Decision, seconds: number): void {
    const mode = decision.mode;
    const rule = decision.rule;
    if (mode !== this.lastMode || rule !== this.lastRule) {
      let rules = this.counts.get(mode);
      if (rules === undefined) this.counts.set(mode, (rules = new Map()));
      let count = rules.get(rule);
      if (count === undefined) rules.set(rule, (count = { n: 0 }));
      this.lastMode = mode;
      this.lastRule = rule;
      this.lastCount = count;
    }
    this.lastCount.n++;
    this.latency.observe(seconds);
  }

  envelopeRejected(code: string): void {
    this.envelopeRejections.set(code, (this.envelopeRejections.get(code) ?? 0) + 1);
  }
}

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Decision } from '../ir/types.js';
import type { EnforcerStatus } from './status.js';

/**
 * Prometheus metrics of one enforcer, in its own registry (two enforcers in a process do not mix).
 * Decisions are counted in a plain map on the hot path and handed to prom-client at scrape time:
 * a labelled `inc()` per decision would cost more than the decision.
 */
export const LATENCY_BUCKETS_SECONDS = [0.000001, 0.000002, 0.000005, 0.00001, 0.00002, 0.00005, 0.0001, 0.0005, 0.001, 0.01];

export class EnforcerMetrics {
  readonly registry = new Registry();
  private readonly counts = new Map<string, { mode: string; rule: string; n: number }>();
  private readonly envelopeRejections = new Map<string, number>();
  private readonly latency: Histogram;

  constructor(status: () => EnforcerStatus) {
    const counts = this.counts;
    new Counter({
      name: 'blastguard_decisions_total',
      help: 'Decisions by mode (allow, shadow, deny) and deciding rule.',
      labelNames: ['mode', 'rule'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of counts.values()) this.inc({ mode: c.mode, rule: c.rule }, c.n);
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
    this.latency = new Histogram({ name: 'blastguard_decision_duration_seconds', help: 'Time to decide one input.', buckets: LATENCY_BUCKETS_SECONDS, registers: [this.registry] });
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
    const key = `${decision.mode}\u0000${decision.rule}`;
    const c = this.counts.get(key);
    if (c !== undefined) c.n++;
    else this.counts.set(key, { mode: decision.mode, rule: decision.rule, n: 1 });
    this.latency.observe(seconds);
  }

  envelopeRejected(code: string): void {
    this.envelopeRejections.set(code, (this.envelopeRejections.get(code) ?? 0) + 1);
  }
}

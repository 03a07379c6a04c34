/**
 * Worker threads that parse units (the JSON.parse of every event is most of a report's work), so
 * the reading thread only cuts bytes and folds decisions. Each request is answered by its
 * sequence number; the reader consumes answers in order, so the result is the one thread's.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecisionBatch } from './decision-batch.js';
import type { ParseOptions, UnitTally } from './parse-unit.js';
import type { LinesUnit, PiecesUnit } from './units.js';

export interface ParseRequest {
  seq: number;
  unit: LinesUnit | PiecesUnit;
}

export interface ParseResponse {
  seq: number;
  tally: UnitTally;
  batch: DecisionBatch;
}

interface Pending {
  resolve: (r: ParseResponse) => void;
  reject: (e: unknown) => void;
}

const WORKER = new URL('./parse-worker.js', import.meta.url);
/**
 * A small young generation: a worker's garbage is one unit's parse, and V8's default (sized for
 * a lone main thread) would let three isolates together pass the report's 300 MB. The old
 * generation holds one unit's values at most (a unit is 1 MiB, a line at most 8 MiB).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

/**
 * Threads worth starting: one worker on two cores or more — it parses (JSON.parse of every event
 * is half a report's work) while this thread reads and folds, two busy threads for two cores; a
 * second worker only adds copying while the folding thread is the slower one. None on one core,
 * and none when this module runs from its TypeScript source (tests), with no compiled worker to start.
 */
export function defaultThreads(): number {
  if (!existsSync(fileURLToPath(WORKER))) return 0;
  return availableParallelism() < 2 ? 0 : 1;
}

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly pending: Map<number, Pending>[] = [];
  private failure: unknown = null;
  private next = 0;

  constructor(threads: number, options: ParseOptions) {
    for (let i = 0; i < threads; i++) {
      // A worker inherits the process's flags; `--input-type` (a `node -e` host) refuses a file entry.
      const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
      const worker = new Worker(WORKER, { workerData: options, resourceLimits: WORKER_LIMITS, execArgv });
      // The reader's own errors end the command; idle workers must not keep the process alive.
      worker.unref();
      const pending = new Map<number, Pending>();
      worker.on('message', (response: ParseResponse) => {
        const p = pending.get(response.seq);
        pending.delete(response.seq);
        if (pending.size === 0) worker.unref();
        p?.resolve(response);
      });
      const fail = (e: unknown): void => {
        this.failure ??= e;
        for (const p of pending.values()) p.reject(e);
        pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (pending.size > 0) fail(new Error(`a decision-log parse worker exited (${code})`));
      });
      this.workers.push(worker);
      this.pending.push(pending);
    }
  }

  parse(seq: number, unit: LinesUnit | PiecesUnit): Promise<ParseResponse> {
    if (this.failure !== null) return Promise.reject(this.failure);
    // Units are about the same size: round robin keeps the workers equally busy.
    const i = this.next;
    this.next = (this.next + 1) % this.workers.length;
    return new Promise<ParseResponse>((resolve, reject) => {
      this.pending[i]!.set(seq, { resolve, reject });
      // Referenced while it owes an answer, so the process waits for it.
      this.workers[i]!.ref();
      const request: ParseRequest = { seq, unit };
      this.workers[i]!.postMessage(request, unit.kind === 'lines' ? [unit.bytes.buffer as ArrayBuffer] : []);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

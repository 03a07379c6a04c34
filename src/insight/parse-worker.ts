/**
 * The worker thread of a parallel read: parses the units it is sent (see parse-unit.ts) and
 * answers with the tally and the decisions as a transferable batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DecisionEncoder } from './decision-batch.js';
import type { ParseOptions } from './parse-unit.js';
import { parseUnit } from './parse-unit.js';
import type { ParseRequest, ParseResponse } from './parse-pool.js';

const options = workerData as ParseOptions;
const port = parentPort;
port?.on('message', (request: ParseRequest) => {
  const encoder = new DecisionEncoder();
  const tally = parseUnit(request.unit, options, (d) => encoder.add(d));
  const batch = encoder.finish();
  const response: ParseResponse = { seq: request.seq, tally, batch };
  port.postMessage(response, [batch.idKeys.buffer as ArrayBuffer, batch.ints.buffer as ArrayBuffer, batch.times.buffer as ArrayBuffer, batch.findings.buffer as ArrayBuffer]);
});

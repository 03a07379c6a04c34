/* global performance, setTimeout */
// Fixed-rate load for the proxy benchmark, in its own process: `rate` requests a second for
// `seconds`, each timed with the monotonic clock (µs), over keep-alive connections. Prints JSON.
import { Agent, request } from 'node:http';

const [url, rateText, secondsText, bodyFile, warmUpText = '500'] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const spec = JSON.parse(readFileSync(bodyFile, 'utf8'));
const target = new URL(url);
const rate = Number(rateText);
const seconds = Number(secondsText);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const body = Buffer.from(spec.body);
const headers = { ...spec.headers, 'content-length': body.length };
const samples = [];
let failures = 0;

function once() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = request({ hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) failures++;
        samples.push(Number(process.hrtime.bigint() - t0) / 1000);
        resolve();
      });
    });
    req.on('error', () => {
      failures++;
      resolve();
    });
    req.end(body);
  });
}

// Warm-up: connections open, JIT warm.
for (let i = 0; i < Number(warmUpText); i++) await once();
samples.length = 0;
const total = rate * seconds;
const start = performance.now();
const pending = [];
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  pending.push(once());
}
await Promise.all(pending);
samples.sort((a, b) => a - b);
const at = (q) => samples[Math.min(samples.length - 1, Math.floor(samples.length * q))];
process.stdout.write(JSON.stringify({ n: samples.length, failures, p50: at(0.5), p99: at(0.99), achieved: samples.length / ((performance.now() - start) / 1000) }) + '\n');
agent.destroy();

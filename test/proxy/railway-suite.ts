import { afterAll, beforeAll } from 'vitest';
import { startProxy, type Harness } from './support.js';
import { startUpstream, type Stack, type Upstream } from './railway-upstream.js';

/** A Railway-like upstream and the proxy in front of it, for one suite: set once its `beforeAll` ran. */
export interface RailwaySuite {
  upstream: Upstream;
  harness: Harness;
}

/** Starts a Railway-like upstream of `stack` and the proxy in front of it before the suite's tests, and closes both after them. */
export function railwayBehindProxy(stack: Stack): RailwaySuite {
  const suite = {} as RailwaySuite;
  beforeAll(async () => {
    suite.upstream = await startUpstream(stack);
    suite.harness = await startProxy([{ api: 'railway', url: suite.upstream.url }]);
  }, 60_000);
  afterAll(async () => {
    await suite.harness?.close();
    await suite.upstream?.close();
  });
  return suite;
}

// Concrete inputs inside a diff row, chosen at random: the soundness half of the exactness test
// (every input of a row must get the row's before on the base and its after on the head).
import { classifyOperationName } from '../../src/core/classify.js';
import { formatInstant, parseRfc3339 } from '../../src/core/time.js';
import type { ApiSpace, ArgumentValues, Conditions, ValueCondition } from '../../src/diff/index.js';
import { atomOf } from '../../src/diff/arguments.js';
import { FINGERPRINTS, TIMES } from '../differential/arbitraries.js';

/** Deterministic choices from a seed array, so fast-check can shrink them. */
export class Chooser {
  private i = 0;
  constructor(private readonly seeds: readonly number[]) {}
  next(n: number): number {
    const s = this.seeds[this.i++ % Math.max(1, this.seeds.length)] ?? 0;
    return n <= 0 ? 0 : s % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.next(xs.length)]!;
  }
}

const OPS = ['volumeDelete', 'customDomainCreate', 'projects', 'DBDelete', 'purgeCache', 'listThings', 'getX', 'wipe', 'fooDelete', 'undelete', 'zzOther', 'zzOtherDelete'];
const ENVS = ['production', 'staging', 'development', 'qa', 'vault', 'Production', 'nowhere'];
const VALUES = ['pocketos', 'acme', 'user:jer', 'vol_9x', 'volume', 'service', 'emoji😀', 'zz-fresh'];

function value(c: ValueCondition | undefined, ch: Chooser): string | null {
  if (c === undefined) return ch.pick([null, ...VALUES]);
  if ('in' in c) return ch.pick(c.in);
  const options = [null, ...VALUES].filter((v) => !c.notIn.includes(v));
  return ch.pick(options);
}

function time(c: Conditions['time'], ch: Chooser): string {
  if (!c) return ch.pick(TIMES);
  const inside = TIMES.filter((t) => {
    const at = parseRfc3339(t)!;
    const after = c.from === null || (parseRfc3339(c.from)!.seconds < at.seconds || (parseRfc3339(c.from)!.seconds === at.seconds && parseRfc3339(c.from)!.nanos <= at.nanos));
    const before = c.until === null || (at.seconds < parseRfc3339(c.until)!.seconds || (at.seconds === parseRfc3339(c.until)!.seconds && at.nanos < parseRfc3339(c.until)!.nanos));
    return after && before;
  });
  const edges: string[] = [];
  if (c.from !== null) edges.push(c.from);
  if (c.until !== null) {
    const u = parseRfc3339(c.until)!;
    const prev = u.nanos === 0 ? { seconds: u.seconds - 1, nanos: 999_999_999 } : { seconds: u.seconds, nanos: u.nanos - 1 };
    edges.push(formatInstant(prev));
  }
  return ch.pick([...inside, ...edges]);
}

// Argument values of every class: absent, empty string and list, texts that collide, objects.
export const ARGUMENT_POOL: readonly unknown[] = [
  undefined, null, '', [], {}, true, false, 'true', 'false', 1, 0, -3, 2.5, '1', '-3', '01', 'x', 'émoji😀', 'zz-other', ['x'], { zz: 1 },
];

const admits = (c: ArgumentValues, v: unknown): boolean => ('in' in c ? c.in.includes(atomOf(v)) : !c.notIn.includes(atomOf(v)));

/**
 * Sets argument values by path, shortest first; a value below one that is not an object is
 * dropped (that path then reads absent, as the row allows when it lists no condition for it).
 */
export function nestArguments(values: readonly [string, unknown][]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [path, v] of [...values].sort((a, b) => a[0].split('.').length - b[0].split('.').length)) {
    if (v === undefined) continue;
    const segments = path.split('.');
    let target: Record<string, unknown> | null = out;
    for (const s of segments.slice(0, -1)) {
      const has = Object.prototype.hasOwnProperty.call(target, s);
      const next: unknown = has ? target![s] : undefined;
      if (!has) {
        Object.defineProperty(target, s, { value: {}, enumerable: true, writable: true, configurable: true });
        target = target![s] as Record<string, unknown>;
      } else if (typeof next === 'object' && next !== null && !Array.isArray(next)) target = next as Record<string, unknown>;
      else {
        target = null;
        break;
      }
    }
    if (target === null || Object.prototype.hasOwnProperty.call(target, segments[segments.length - 1]!)) continue;
    Object.defineProperty(target, segments[segments.length - 1]!, { value: structuredClone(v), enumerable: true, writable: true, configurable: true });
    any = true;
  }
  return any ? out : undefined;
}

function argumentsIn(c: Conditions['arguments'], ch: Chooser): Record<string, unknown> | undefined {
  if (!c) return ch.pick([undefined, { zz: ch.pick(ARGUMENT_POOL) }]);
  const paths = Object.keys(c);
  const chosen: [string, unknown][] = [];
  for (const path of paths) {
    const cond = c[path]!;
    // A path below this one that must hold a value makes this one an object (class `other`).
    const needsObject = paths.some((d) => d.startsWith(path + '.') && !admits(c[d]!, undefined));
    let options = [...ARGUMENT_POOL, ...('in' in cond ? cond.in.filter((a) => a !== 'absent' && a !== 'empty').map((a) => JSON.parse(a) as unknown) : [])].filter((v) => admits(cond, v));
    // An empty object would stop being empty once a longer path is set inside it.
    if (paths.some((d) => d.startsWith(path + '.'))) options = options.filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0));
    if (needsObject) options = options.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0);
    chosen.push([path, ch.pick(options)]);
  }
  return nestArguments(chosen);
}

/** A random input inside the row conditions `c` of API `space`. */
export function instantiate(space: ApiSpace, c: Conditions, ch: Chooser): Record<string, unknown> {
  let name: string;
  let type: string;
  if ('name' in c.operation) {
    name = c.operation.name;
    type = c.operationType ? (c.operationType.query ? 'query' : ch.pick(['mutation', 'subscription'])) : ch.pick(['query', 'mutation']);
  } else {
    const cls = c.operation.unnamed;
    const candidates: [string, string][] = [];
    for (const op of OPS) {
      if (space.operations.includes(op)) continue;
      for (const t of ['query', 'mutation']) if (classifyOperationName(op, t) === cls) candidates.push([op, t]);
    }
    [name, type] = candidates.length > 0 ? ch.pick(candidates) : cls === 'destructive' ? ['zzzUnseenDelete', 'mutation'] : ['zzzUnseen', cls === 'read' ? 'query' : 'mutation'];
  }
  const envs = [...c.environment.in, ...(c.environment.unknown ? [null, ...ENVS.filter((e) => !space.environments.includes(e))] : [])];
  const env = ch.pick(envs);
  const declared = space.tokens.map((t) => t.fingerprint);
  const fps = [...c.token.fingerprints, ...(c.token.missing ? [null] : []), ...(c.token.unknown ? [...FINGERPRINTS.filter((f) => !declared.includes(f)), 'sha256:unseen'] : [])];
  const fp = ch.pick(fps);
  const attempt = c.attempt ? ch.pick([c.attempt.min, c.attempt.max, Math.min(c.attempt.max, c.attempt.min + 1)]) : ch.pick([1, 2, 3, 4]);
  const verified = c.verified ?? ch.pick([true, false]);
  const originator = value(c.originator, ch);
  const tenant = value(c.tenant, ch);
  const kind = value(c.resourceKind, ch);
  const id = value(c.resourceId, ch);
  const project = value(c.project, ch);
  const resource: Record<string, string> = {};
  if (env !== null) resource['environment'] = env;
  if (kind !== null) resource['kind'] = kind;
  if (id !== null) resource['id'] = id;
  if (project !== null) resource['project'] = project;
  const identity: Record<string, unknown> = { verified };
  if (originator !== null) identity['originator'] = originator;
  if (tenant !== null) identity['tenant'] = tenant;
  const args = argumentsIn(c.arguments, ch);
  return {
    api: space.name,
    operation: { name, type },
    resource,
    ...(fp === null ? {} : { token: { fingerprint: fp } }),
    identity,
    ...(args ? { arguments: args } : {}),
    attempt,
    time: time(c.time, ch),
  };
}

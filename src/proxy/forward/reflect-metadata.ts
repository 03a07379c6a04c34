/**
 * The part of the Reflect metadata API that `tsyringe` (a dependency of `@peculiar/x509`) needs
 * before it loads; it throws at import time without one. Installed only where no polyfill
 * (`reflect-metadata`, core-js) is present, so an application's own polyfill wins. Metadata is
 * kept per target and property in weak maps and looked up through the prototype chain, as the
 * proposal specifies for `getMetadata`.
 */
type Store = Map<unknown, unknown>;

const stores = new WeakMap<object, Map<PropertyKey | undefined, Store>>();

function own(target: object, property: PropertyKey | undefined, create: boolean): Store | undefined {
  let byProperty = stores.get(target);
  if (byProperty === undefined) {
    if (!create) return undefined;
    byProperty = new Map();
    stores.set(target, byProperty);
  }
  let store = byProperty.get(property);
  if (store === undefined && create) {
    store = new Map();
    byProperty.set(property, store);
  }
  return store;
}

function lookup(key: unknown, target: object, property?: PropertyKey): unknown {
  for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
    const store = own(t, property, false);
    if (store?.has(key) === true) return store.get(key);
  }
  return undefined;
}

const api = {
  defineMetadata(key: unknown, value: unknown, target: object, property?: PropertyKey): void {
    own(target, property, true)!.set(key, value);
  },
  getOwnMetadata(key: unknown, target: object, property?: PropertyKey): unknown {
    return own(target, property, false)?.get(key);
  },
  hasOwnMetadata(key: unknown, target: object, property?: PropertyKey): boolean {
    return own(target, property, false)?.has(key) === true;
  },
  getMetadata: lookup,
  hasMetadata(key: unknown, target: object, property?: PropertyKey): boolean {
    return lookup(key, target, property) !== undefined;
  },
  metadata(key: unknown, value: unknown) {
    return (target: object, property?: PropertyKey): void => api.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect['getMetadata'] !== 'function') {
  for (const [name, fn] of Object.entries(api)) reflect[name] = fn;
}

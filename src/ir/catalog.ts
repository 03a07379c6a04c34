import type { Ir } from './types.js';

/**
 * The part of the IR an enforcer reads HTTP requests with: every field of the IR except
 * `policies`, whose rules the bundle already carries compiled into its module. Defined by what it
 * leaves out, not by a list of what it keeps, so a field added to the IR (apis, tokens,
 * inventories, identity issuers, …) travels in the bundle without touching this file; and
 * extraction takes this type, so it cannot start reading rules the bundle does not carry.
 */
export type IrCatalog = Omit<Ir, 'policies'>;

/** The catalog of `ir` (a new object; the IR is not changed). */
export function catalogOfIr(ir: Ir): IrCatalog {
  const { policies: _policies, ...catalog } = ir;
  return catalog;
}

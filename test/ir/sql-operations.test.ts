import { describe, expect, it } from 'vitest';
import { buildIr } from '../../src/ir/build.js';
import type { ApiDocument } from '../../src/schemas/types.generated.js';
import { policySet } from './set.js';

function mcpApi(operations: ApiDocument['spec']['operations']): ApiDocument {
  return {
    apiVersion: 'blastguard.dev/v1',
    kind: 'Api',
    metadata: { name: 'db' },
    spec: { protocol: 'mcp', hosts: ['db.example'], environments: ['production'], protectedEnvironments: ['production'], defaults: { read: 'allow', write: 'shadow', destructive: 'deny' }, operations },
  };
}

describe('tools with an sql argument', () => {
  it('get one operation per class, with the tool resource, when the catalog declares none', () => {
    const ir = buildIr(policySet({ Api: [mcpApi({ run_sql: { class: 'destructive', sql: { argument: 'sql' }, resource: { kind: 'database', idArg: 'db' } } })] }));
    const ops = ir.apis[0]!.operations.map((o) => [o.name, o.class, o.type, o.reversible, o.resource?.idArg, o.sql?.argument ?? null]);
    expect(ops).toEqual([
      ['run_sql', 'destructive', 'tool', null, 'db', 'sql'],
      ['run_sql.destructive', 'destructive', 'tool', false, 'db', null],
      ['run_sql.read', 'read', 'tool', null, 'db', null],
      ['run_sql.write', 'write', 'tool', null, 'db', null],
    ]);
  });

  it('keep a declared class, and inherit the resource a declared one does not name', () => {
    const ir = buildIr(
      policySet({ Api: [mcpApi({ run_sql: { class: 'destructive', sql: { argument: 'sql' }, resource: { kind: 'database', idArg: 'db' } }, 'run_sql.read': { class: 'write' } })] }),
    );
    const read = ir.apis[0]!.operations.find((o) => o.name === 'run_sql.read');
    expect([read?.class, read?.resource?.kind]).toEqual(['write', 'database']);
  });

  it('leave catalogs without sql tools as they were', () => {
    const ir = buildIr(policySet({ Api: [mcpApi({ lookup: { class: 'read' } })] }));
    expect(ir.apis[0]!.operations).toEqual([{ name: 'lookup', class: 'read', type: 'tool', reversible: null, resource: null, http: null }]);
  });
});

import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { KIND_SCHEMAS, allSchemaFiles, readSchema } from '../../src/schemas/index.js';

describe('schemas', () => {
  // strict: true turns unknown keywords, ignored `additionalItems`, missing types next to
  // type-specific keywords and similar mistakes into compile errors instead of silent no-ops.
  it.each(allSchemaFiles())('%s compiles under ajv strict mode', (file) => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
    for (const other of allSchemaFiles()) if (other !== file) ajv.addSchema(readSchema(other), other);
    expect(() => ajv.compile(readSchema(file))).not.toThrow();
  });

  it.each(Object.entries(KIND_SCHEMAS))('%s is a draft 2020-12 schema for its kind', (kind, file) => {
    const schema = readSchema(file);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const props = schema.properties as Record<string, { const?: string }>;
    expect(props.kind?.const).toBe(kind);
    expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']));
  });
});

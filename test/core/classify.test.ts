import { describe, expect, it } from 'vitest';
import { classifyOperationName, splitOperationName } from '../../src/core/classify.js';

describe('splitOperationName', () => {
  it.each([
    ['volumeDelete', ['volume', 'Delete']],
    ['DBDelete', ['DB', 'Delete']],
    ['deleteDB', ['delete', 'DB']],
    ['HTTPServerReset', ['HTTP', 'Server', 'Reset']],
    ['project_volume-delete.now/x', ['project', 'volume', 'delete', 'now', 'x']],
    ['v2Delete', ['v2', 'Delete']],
    ['a__b', ['a', 'b']],
    ['_leading', ['leading']],
    ['ABC', ['ABC']],
    ['aB', ['a', 'B']],
    ['', []],
  ])('%s', (name, words) => {
    expect(splitOperationName(name)).toEqual(words);
  });
});

describe('classifyOperationName', () => {
  it.each<[string, string | null, string]>([
    ['volumeDelete', 'mutation', 'destructive'],
    ['volumeDelete', 'query', 'destructive'],
    ['volumeDelete', null, 'destructive'],
    ['DBDelete', null, 'destructive'],
    ['purgeCache', 'mutation', 'destructive'],
    ['dropTable', null, 'destructive'],
    ['wipe', null, 'destructive'],
    ['environmentReset', null, 'destructive'],
    ['apiTokenRevoke', null, 'destructive'],
    ['instanceTerminate', null, 'destructive'],
    ['table_truncate', null, 'destructive'],
    ['data-erase', null, 'destructive'],
    ['serviceRemove', null, 'destructive'],
    ['projectDestroy', null, 'destructive'],
    ['DELETE', null, 'destructive'],
    ['volumes/delete', 'request', 'destructive'],
    // Whole words only: a verb inside a longer word does not count.
    ['deleted', 'query', 'read'],
    ['volumeDeleted', 'mutation', 'write'],
    ['undelete', 'mutation', 'write'],
    ['Droplet', 'query', 'read'],
    ['resetting', null, 'write'],
    // Not destructive: the type decides, and only `query` is read.
    ['volumes', 'query', 'read'],
    ['volumeCreate', 'mutation', 'write'],
    ['volumeCreate', null, 'write'],
    ['me', 'subscription', 'write'],
    ['listThings', 'tool', 'write'],
    ['listThings', 'Query', 'write'],
    ['getThing', 'request', 'write'],
  ])('%s (%s) is %s', (name, type, cls) => {
    expect(classifyOperationName(name, type)).toBe(cls);
  });
});

describe('classifyOperationName lowercases ASCII only, like the Wasm engine', () => {
  it('a Kelvin sign does not spell `revoke`', () => {
    expect(classifyOperationName('tokenREVO\u212AE', 'mutation')).toBe('write');
    expect(classifyOperationName('tokenREVOKE', 'mutation')).toBe('destructive');
  });
});

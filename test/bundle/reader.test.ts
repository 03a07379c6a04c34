import { gzipSync } from 'node:zlib';
import tarStream, { type Header as TarHeader } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_READ_LIMITS, bundleFiles, bundleFromEntries, gzipDeterministic, readBundle, readTarGz, wasmForEntrypoint, writeTar } from '../../src/bundle/index.js';
import { codeOf, syntheticContent } from './fixtures.js';

type Header = Partial<TarHeader> & Pick<TarHeader, 'name'>;

/** A tar written by a general-purpose writer, so we can craft entries our own writer never makes. */
async function craft(entries: { header: Header; body?: Uint8Array }[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const e of entries) {
    if (e.body === undefined) pack.entry(e.header);
    else pack.entry(e.header, Buffer.from(e.body));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const file = (name: string, body = '{}'): { header: Header; body: Uint8Array } => ({
  header: { name, type: 'file', size: Buffer.byteLength(body) },
  body: Buffer.from(body),
});

async function craftGz(entries: { header: Header; body?: Uint8Array }[]): Promise<Buffer> {
  return gzipSync(await craft(entries));
}

describe('readTarGz', () => {
  it('reads a well-formed bundle', async () => {
    const entries = await readTarGz(gzipDeterministic(writeTar(bundleFiles(syntheticContent()))));
    expect(entries.map((e) => e.path)).toEqual(['data.json', 'policy.wasm', '.manifest']);
  });

  it('accepts names without a leading slash and skips directory entries', async () => {
    const entries = await readTarGz(
      await craftGz([{ header: { name: 'dir/', type: 'directory' } }, file('dir/data.json', '{"a":1}'), file('/x.txt', 'x')]),
    );
    expect(entries.map((e) => e.path)).toEqual(['dir/data.json', 'x.txt']);
  });

  it.each([
    ['symlink', { name: '/data.json', type: 'symlink', linkname: '/etc/passwd' } as Header, 'BG214'],
    ['hard link', { name: '/data.json', type: 'link', linkname: '/policy.wasm' } as Header, 'BG214'],
    ['character device', { name: '/dev', type: 'character-device', devmajor: 1, devminor: 3 } as Header, 'BG215'],
    ['fifo', { name: '/pipe', type: 'fifo' } as Header, 'BG215'],
  ])('rejects a %s entry', async (_what, header, code) => {
    expect(await codeOf(async () => readTarGz(await craftGz([file('/a.txt'), { header }])))).toBe(code);
  });

  it.each([
    ['../ traversal', '/../etc/passwd', 'BG216'],
    ['nested traversal', '/a/../../b', 'BG216'],
    ['bare traversal', '..', 'BG216'],
    ['absolute path', '//etc/passwd', 'BG217'],
    ['drive letter', 'C:/windows/x', 'BG217'],
    ['dot segment', './data.json', 'BG217'],
    ['empty segment', '/a//b', 'BG217'],
    ['backslash', '/a\\..\\b', 'BG218'],
    ['NUL-free control char', '/a\u0001b', 'BG218'],
  ])('rejects %s', async (_what, name, code) => {
    expect(await codeOf(async () => readTarGz(await craftGz([file(name)])))).toBe(code);
  });

  it('rejects a duplicate entry, with and without the leading slash', async () => {
    expect(await codeOf(async () => readTarGz(await craftGz([file('/data.json'), file('/data.json')])))).toBe('BG219');
    expect(await codeOf(async () => readTarGz(await craftGz([file('/data.json'), file('data.json')])))).toBe('BG219');
  });

  it('rejects a directory entry with content', async () => {
    const tar = await craft([file('/d/x')]);
    tar[156] = 0x35; // typeflag '5' on an entry that carries 2 bytes
    tar.fill(0x20, 148, 156);
    const sum = tar.subarray(0, 512).reduce((a, b) => a + b, 0);
    tar.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 'latin1');
    expect(await codeOf(() => readTarGz(gzipSync(tar)))).toBe('BG223');
  });

  it('enforces per-file, total and entry-count limits', async () => {
    const big = await craftGz([file('/a.bin', 'x'.repeat(2000))]);
    expect(await codeOf(() => readTarGz(big, { maxFileBytes: 1000, maxTotalBytes: 1e6, maxDecompressedBytes: 1e6, maxEntries: 10 }))).toBe(
      'BG220',
    );
    const many = await craftGz([file('/a', 'x'.repeat(600)), file('/b', 'x'.repeat(600))]);
    expect(await codeOf(() => readTarGz(many, { maxFileBytes: 1000, maxTotalBytes: 1000, maxDecompressedBytes: 1e6, maxEntries: 10 }))).toBe(
      'BG221',
    );
    const count = await craftGz(Array.from({ length: 5 }, (_, i) => file(`/f${i}`)));
    expect(await codeOf(() => readTarGz(count, { maxFileBytes: 1e6, maxTotalBytes: 1e6, maxDecompressedBytes: 1e6, maxEntries: 4 }))).toBe('BG222');
  });

  it('stops a gzip bomb at the decompressed-size cap', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    expect(await codeOf(() => readTarGz(bomb, { maxFileBytes: 1e9, maxTotalBytes: 1e9, maxDecompressedBytes: 8 * 1024 * 1024, maxEntries: 10 }))).toBe(
      'BG211',
    );
  });

  it('inflates off the event loop and stops a bomb at the default 32 MiB cap', async () => {
    expect(DEFAULT_READ_LIMITS.maxDecompressedBytes).toBe(32 * 1024 * 1024);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    // A timer queued before the read runs before the read settles only if inflating yields to the
    // event loop (a synchronous gunzip settled first: decisions waited for the whole bomb).
    let yielded = false;
    setImmediate(() => (yielded = true));
    const code = await codeOf(() => readTarGz(bomb));
    expect(code).toBe('BG211');
    expect(yielded).toBe(true);
    // A bundle within the limit still reads, and its bytes are intact.
    const small = gzipSync(writeTar(bundleFiles(syntheticContent())));
    expect((await readTarGz(small)).length).toBe(bundleFiles(syntheticContent()).length);
  });

  it('rejects input that is not gzip, a corrupt gzip stream, and a truncated tar', async () => {
    const tar = writeTar(bundleFiles(syntheticContent()));
    expect(await codeOf(() => readTarGz(tar))).toBe('BG210');
    expect(await codeOf(() => readTarGz(Buffer.from('')))).toBe('BG210');
    const gz = gzipDeterministic(tar);
    expect(await codeOf(() => readTarGz(gz.subarray(0, gz.length - 20)))).toBe('BG212');
    expect(await codeOf(() => readTarGz(gzipSync(Buffer.from(tar).subarray(0, 700))))).toBe('BG213');
    const garbage = Buffer.from(tar);
    garbage.fill(0x41, 0, 512);
    expect(await codeOf(() => readTarGz(gzipSync(garbage)))).toBe('BG213');
  });
});

describe('readBundle', () => {
  it('mounts nested data files and merges them', async () => {
    const bundle = await readBundle(
      await craftGz([file('/data.json', '{"blastguard":{"a":1}}'), file('/blastguard/b/data.json', '{"c":2.50}'), file('/.manifest', '{"revision":"r","roots":["blastguard"]}')]),
    );
    expect(bundle.data).toEqual({ blastguard: { a: 1, b: { c: 2.5 } } });
    expect(bundle.revision).toBe('r');
  });

  it('gives OPA defaults without a manifest', async () => {
    const bundle = await readBundle(await craftGz([file('/data.json', '{"x":1}')]));
    expect(bundle.manifest).toEqual({ revision: '' });
    expect(bundle.signatures).toBeNull();
  });

  it.each([
    ['invalid data json', [file('/data.json', '{')], 'BG230'],
    ['yaml data', [file('/data.yaml', 'a: 1')], 'BG236'],
    ['non-object root data', [file('/data.json', '[1]')], 'BG237'],
    ['conflicting data', [file('/data.json', '{"a":{"b":1}}'), file('/a/b/data.json', '{"c":1}')], 'BG237'],
    ['bad manifest', [file('/.manifest', '{"revision":1}')], 'BG232'],
    ['overlapping roots', [file('/.manifest', '{"revision":"","roots":["a","a/b"]}')], 'BG233'],
    ['missing wasm module', [file('/.manifest', '{"revision":"","wasm":[{"entrypoint":"a/b","module":"/policy.wasm"}]}')], 'BG234'],
    ['entrypoint outside roots', [file('/policy.wasm', 'x'), file('/.manifest', '{"revision":"","roots":["a"],"wasm":[{"entrypoint":"b/c","module":"/policy.wasm"}]}')], 'BG235'],
    ['data outside roots', [file('/data.json', '{"other":1}'), file('/.manifest', '{"revision":"","roots":["blastguard"]}')], 'BG235'],
    ['delta bundle', [file('/patch.json', '{"data":[]}')], 'BG239'],
  ])('rejects %s', async (_what, entries, code) => {
    expect(await codeOf(async () => readBundle(await craftGz(entries)))).toBe(code);
  });
});

describe('wasm module names (opa-compat §2.1, §2.4: compared verbatim)', () => {
  const manifest = (module: string): string =>
    JSON.stringify({ revision: '', roots: ['blastguard'], wasm: [{ entrypoint: 'blastguard/decision', module }] });
  const wasm = '\u0000asm';

  it('rejects entries without the leading `/` when the manifest names `/policy.wasm` (OPA would not activate it)', async () => {
    const bytes = await craftGz([file('data.json'), file('policy.wasm', wasm), file('.manifest', manifest('/policy.wasm'))]);
    expect(await codeOf(() => readBundle(bytes))).toBe('BG234');
    const e = await readBundle(bytes).catch((x: unknown) => x as Error);
    expect((e as Error).message).toContain('`policy.wasm`');
  });

  it('rejects `/policy.wasm` when the manifest names `policy.wasm`', async () => {
    const bytes = await craftGz([file('/data.json'), file('/policy.wasm', wasm), file('/.manifest', manifest('policy.wasm'))]);
    expect(await codeOf(() => readBundle(bytes))).toBe('BG234');
  });

  it('accepts names that match exactly, with or without the slash', async () => {
    for (const [prefix, module] of [['/', '/policy.wasm'], ['', 'policy.wasm']]) {
      const bundle = await readBundle(await craftGz([file(`${prefix}data.json`), file(`${prefix}policy.wasm`, wasm), file(`${prefix}.manifest`, manifest(module!))]));
      expect(Buffer.from(wasmForEntrypoint(bundle, 'blastguard/decision')).toString()).toBe(wasm);
      expect([...bundle.files.keys()].sort()).toEqual(['.manifest', 'data.json', 'policy.wasm']);
    }
  });

  it('treats in-memory entries without a name as written by writeTar (`/` + path)', async () => {
    const files = bundleFiles(syntheticContent());
    expect(bundleFromEntries(files).wasmModules.has('/policy.wasm')).toBe(true);
    expect(await codeOf(() => bundleFromEntries(files.map((f) => ({ ...f, name: f.path }))))).toBe('BG234');
  });
});

describe('compressed size', () => {
  it('refuses an input larger than the decompressed cap before inflating it', async () => {
    const limits = { maxFileBytes: 1e6, maxTotalBytes: 1e6, maxDecompressedBytes: 1000, maxEntries: 10 };
    expect(await codeOf(() => readTarGz(Buffer.alloc(2 * 1024 * 1024, 0x1f), limits))).toBe('BG221');
  });
});

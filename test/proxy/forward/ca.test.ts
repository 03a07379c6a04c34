import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalCa, loadLocalCa, readLocalCa, FORWARD_CODES, createForwardProxy } from '../../../src/proxy/forward/index.js';
import { x509 } from '../../../src/proxy/forward/x509.js';
import { errorCode, runCli } from '../../bundle/cli.js';
import { Command } from 'commander';
import { proxyCaCommand } from '../../../src/cli/commands/proxy-ca.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'blastguard-ca-'));
  dirs.push(dir);
  return dir;
}

const mode = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('blastguard proxy ca init', () => {
  it('writes a P-256 CA key (0600) and a constrained, limited CA certificate, and says how to trust it', async () => {
    const dir = await scratch();
    const r = await runCli(['proxy', 'ca', 'init', '--out', 'ca', '--days', '30', '--permit', 'api.github.com', 'Railway.app'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(await mode(path.join(dir, 'ca/ca-key.pem'))).toBe(0o600);
    expect(await mode(path.join(dir, 'ca'))).toBe(0o700);
    const certPem = await readFile(path.join(dir, 'ca/ca-cert.pem'), 'utf8');
    const cert = new X509Certificate(certPem);
    expect(cert.ca).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const parsed = new x509.X509Certificate(certPem);
    const constraints = parsed.extensions.find((e) => e.type === '2.5.29.30');
    expect(constraints?.critical).toBe(true);
    // Permitted dNSNames as written (lowercased), and both IP families excluded.
    const value = Buffer.from(constraints!.value).toString('latin1');
    expect(value).toContain('api.github.com');
    expect(value).toContain('railway.app');
    expect(parsed.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 0, critical: true });
    expect(r.stdout).toContain('NODE_EXTRA_CA_CERTS=ca/ca-cert.pem');
    expect(r.stdout).toContain('curl --cacert ca/ca-cert.pem');
    expect(r.stdout).toContain('SSL_CERT_FILE=ca/ca-cert.pem');
    // The AWS CLI and boto3 read neither REQUESTS_CA_BUNDLE nor SSL_CERT_FILE.
    expect(r.stdout).toContain('AWS_CA_BUNDLE=ca/ca-cert.pem');
    expect(r.stdout).toContain('update-ca-certificates');
    const ca = await readLocalCa(path.join(dir, 'ca'));
    expect(ca.signingAlgorithm).toEqual({ name: 'ECDSA', hash: 'SHA-256' });
  });

  it('refuses to overwrite without --force, and replaces both files with it', async () => {
    const dir = await scratch();
    expect((await runCli(['proxy', 'ca', 'init', '--out', 'ca'], { cwd: dir })).code).toBe(0);
    const before = await readFile(path.join(dir, 'ca/ca-cert.pem'), 'utf8');
    const again = await runCli(['proxy', 'ca', 'init', '--out', 'ca'], { cwd: dir });
    expect([again.code, errorCode(again)]).toEqual([1, FORWARD_CODES.caFilesExist]);
    expect(again.stderr).toMatch(/help: pass --force/);
    expect(await readFile(path.join(dir, 'ca/ca-cert.pem'), 'utf8')).toBe(before);
    const forced = await runCli(['proxy', 'ca', 'init', '--out', 'ca', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(dir, 'ca/ca-cert.pem'), 'utf8')).not.toBe(before);
    expect(await mode(path.join(dir, 'ca/ca-key.pem'))).toBe(0o600);
    await readLocalCa(path.join(dir, 'ca'));
  });

  it.each([
    [['--days', '0'], FORWARD_CODES.caInitUsage],
    [['--days', '99999'], FORWARD_CODES.caInitUsage],
    [['--permit', '10.0.0.1'], FORWARD_CODES.caInitUsage],
    [['--permit', 'bad host'], FORWARD_CODES.caInitUsage],
  ])('refuses %j as a usage error (exit 2), writing nothing', async (flags, code) => {
    const dir = await scratch();
    const r = await runCli(['proxy', 'ca', 'init', '--out', 'ca', ...flags], { cwd: dir });
    expect([r.code, errorCode(r)]).toEqual([2, code]);
    await expect(stat(path.join(dir, 'ca'))).rejects.toThrow();
  });

  it('explains an --out that is a file', async () => {
    const dir = await scratch();
    await writeFile(path.join(dir, 'file'), 'x');
    const r = await runCli(['proxy', 'ca', 'init', '--out', 'file'], { cwd: dir });
    expect([r.code, errorCode(r)]).toEqual([1, FORWARD_CODES.caFilesUnwritable]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('proxy ca registration', () => {
  it('attaches `ca init` to a `proxy` command registered before it (the reverse proxy\'s)', async () => {
    const dir = await scratch();
    const program = new Command('blastguard').exitOverride();
    let ran = '';
    program
      .command('proxy')
      .option('--listen <address>')
      .action(() => {
        ran = 'proxy';
      });
    let exit = -1;
    const io = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => '', cwd: dir, env: {}, isTTY: false };
    proxyCaCommand.register(program, io, (code) => (exit = code));
    expect(program.commands.filter((c) => c.name() === 'proxy')).toHaveLength(1);
    await program.parseAsync(['proxy', 'ca', 'init', '--out', 'ca'], { from: 'user' });
    expect([exit, ran]).toEqual([0, '']);
    await readLocalCa(path.join(dir, 'ca'));
    await program.parseAsync(['proxy', '--listen', '127.0.0.1:0'], { from: 'user' });
    expect(ran).toBe('proxy');
  });
});

describe('loading the local CA', () => {
  it('names an unreadable or missing key file with its path', async () => {
    const dir = await scratch();
    await expect(readLocalCa(dir)).rejects.toMatchObject({ code: FORWARD_CODES.caKeyUnreadable, file: path.join(dir, 'ca-key.pem') });
    const material = await createLocalCa({ days: 1 });
    await writeFile(path.join(dir, 'ca-key.pem'), material.keyPem);
    await chmod(path.join(dir, 'ca-key.pem'), 0o600);
    await expect(readLocalCa(dir)).rejects.toMatchObject({ code: FORWARD_CODES.caCertUnreadable });
    if (process.getuid?.() !== 0) {
      await writeFile(path.join(dir, 'ca-cert.pem'), material.certPem);
      await chmod(path.join(dir, 'ca-key.pem'), 0o000);
      await expect(readLocalCa(dir)).rejects.toMatchObject({ code: FORWARD_CODES.caKeyUnreadable, message: expect.stringContaining('permission denied') });
    }
  });

  it.skipIf(process.platform === 'win32').each([0o640, 0o604, 0o644, 0o660])('refuses a key file of mode %o, like ssh (BG759), and names the file', async (keyMode) => {
    const dir = await scratch();
    const material = await createLocalCa({ days: 1 });
    await writeFile(path.join(dir, 'ca-key.pem'), material.keyPem);
    await writeFile(path.join(dir, 'ca-cert.pem'), material.certPem);
    await chmod(path.join(dir, 'ca-key.pem'), keyMode);
    const refused = await readLocalCa(dir).then(
      () => null,
      (e: unknown) => e as { code?: string; file?: string; help?: string },
    );
    expect(refused).toMatchObject({ code: FORWARD_CODES.caKeyPermissions, file: path.join(dir, 'ca-key.pem') });
    expect(refused?.help).toContain('chmod 600');
    await chmod(path.join(dir, 'ca-key.pem'), 0o600);
    await expect(readLocalCa(dir)).resolves.toMatchObject({ signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
    await chmod(path.join(dir, 'ca-key.pem'), 0o400);
    await expect(readLocalCa(dir)).resolves.toBeDefined();
  });

  it.each([
    ['garbage as the key', async () => ({ keyPem: 'not a key', certPem: (await createLocalCa({ days: 1 })).certPem }), FORWARD_CODES.caKeyUnreadable],
    ['an RSA key', async () => ({ keyPem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: (await createLocalCa({ days: 1 })).certPem }), FORWARD_CODES.caKeyType],
    ['an Ed25519 key', async () => ({ keyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: (await createLocalCa({ days: 1 })).certPem }), FORWARD_CODES.caKeyType],
    ['a P-521 key', async () => ({ keyPem: generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: (await createLocalCa({ days: 1 })).certPem }), FORWARD_CODES.caKeyType],
    ['garbage as the certificate', async () => ({ keyPem: (await createLocalCa({ days: 1 })).keyPem, certPem: 'nope' }), FORWARD_CODES.caCertUnreadable],
    ['the key of another CA', async () => ({ keyPem: (await createLocalCa({ days: 1 })).keyPem, certPem: (await createLocalCa({ days: 1 })).certPem }), FORWARD_CODES.caKeyMismatch],
  ])('refuses %s with its code', async (_what, make, code) => {
    await expect(loadLocalCa(await make())).rejects.toMatchObject({ code });
  });

  it('refuses a certificate that is not a CA', async () => {
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const leaf = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=leaf', keys, signingAlgorithm: alg, extensions: [new x509.BasicConstraintsExtension(false)] });
    const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`;
    await expect(loadLocalCa({ keyPem, certPem: leaf.toString('pem') })).rejects.toMatchObject({ code: FORWARD_CODES.caCertNotCa });
  });

  it('refuses an expired CA', async () => {
    const material = await createLocalCa({ days: 1 });
    await expect(loadLocalCa({ ...material, now: new Date(Date.now() + 2 * 86_400_000) })).rejects.toMatchObject({ code: FORWARD_CODES.caExpired });
  });
});

describe('createForwardProxy options', () => {
  it.each([
    ['no CA', { ca: undefined }],
    ['no handler', { handler: 'x' }],
    ['an IP address to intercept', { intercept: ['127.0.0.1'] }],
    ['a malformed tunnel entry', { allowTunnel: ['a b'] }],
    ['a bad port', { interceptPorts: [0] }],
    ['an unknown limit', { limits: { nope: 1 } }],
    ['a negative limit', { limits: { maxHeaderSize: -1 } }],
  ])('refuses %s with BG740 before listening', async (_what, patch) => {
    const ca = await loadLocalCa(await createLocalCa({ days: 1 }));
    const options = { ca, intercept: ['api.example.test'], handler: () => undefined, ...patch };
    expect(() => createForwardProxy(options as never)).toThrow(expect.objectContaining({ code: FORWARD_CODES.invalidConfig }));
  });

  it('reports a port in use as BG756', async () => {
    const ca = await loadLocalCa(await createLocalCa({ days: 1 }));
    const a = createForwardProxy({ ca, intercept: [], handler: () => undefined });
    const { port } = await a.listen(0);
    const b = createForwardProxy({ ca, intercept: [], handler: () => undefined });
    await expect(b.listen(port)).rejects.toMatchObject({ code: FORWARD_CODES.listenFailed });
    expect(a.address()?.port).toBe(port);
    expect(b.address()).toBeNull();
    await a.close();
    await b.close();
  });
});

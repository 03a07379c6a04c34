import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARD_CODES } from '../../../src/proxy/forward/index.js';
import { API_HOST, Rig, TUNNEL_HOST, has, run } from './fixtures.js';

const present = await has('curl');
const inCi = process.env['CI'] === 'true';
if (!present && !inCi) console.log('notice: skipping test/proxy/forward/curl.test.ts: `curl` is not installed; the forward proxy is not tested with curl here (CI runs it)');

/** curl with only the proxy variable set, as a user's shell would have it. */
function curl(rig: Rig, args: string[], extraEnv: Record<string, string> = {}): ReturnType<typeof run> {
  return run('curl', ['-sS', '--max-time', '15', ...args], { HTTPS_PROXY: `http://127.0.0.1:${rig.proxyPort}`, ...extraEnv });
}

describe.skipIf(!present && !inCi)('forward proxy with real curl through HTTPS_PROXY', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await Rig.start();
  });
  afterAll(async () => {
    await rig.stop();
  });

  it('intercepts a declared host: curl trusts the local CA, the handler gets the decrypted request', async () => {
    const r = await curl(rig, ['--cacert', rig.localCaFile, '-H', 'Authorization: Bearer t0ken', '-H', 'Content-Type: application/json', '--data-binary', '{"query":"{ me { id } }"}', `https://${API_HOST}/graphql?x=1`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ upstream: true, method: 'POST', url: '/graphql?x=1', body: '{"query":"{ me { id } }"}' });
    const handled = rig.handled.at(-1)!;
    expect(handled.target).toEqual({ host: API_HOST, port: 443, scheme: 'https' });
    expect(handled).toMatchObject({ method: 'POST', url: '/graphql?x=1', body: '{"query":"{ me { id } }"}' });
    expect(handled.headers).toMatchObject({ host: API_HOST, authorization: 'Bearer t0ken', 'content-type': 'application/json' });
  });

  it('shows curl the proxy-issued certificate: SAN = the host, issued by the local CA', async () => {
    const r = await curl(rig, ['-v', '--cacert', rig.localCaFile, '-o', '/dev/null', `https://${API_HOST}/cert`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/subject: CN=api\.blastguard\.test/);
    expect(r.stderr).toMatch(/issuer: CN=blastguard local proxy CA [0-9a-f]{8}; O=blastguard/);
    expect(r.stderr).toMatch(/subjectAltName: host "api\.blastguard\.test" matched cert's "api\.blastguard\.test"/);
  });

  it('CURL_CA_BUNDLE trusts the local CA as --cacert does', async () => {
    const r = await curl(rig, [`https://${API_HOST}/env`], { CURL_CA_BUNDLE: rig.localCaFile });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toMatchObject({ url: '/env' });
  });

  it('a client that does not trust the local CA refuses the intercepted connection', async () => {
    const before = rig.handled.length;
    const r = await curl(rig, ['--cacert', rig.upstreamCaFile, `https://${API_HOST}/wrong-ca`]);
    expect(r.code).toBe(60);
    expect(r.stderr).toMatch(/certificate/i);
    expect(rig.handled.length).toBe(before);
    // The operator is told why: the client's alert, and the likely cause.
    await expect.poll(() => rig.events.find((e) => e.code === FORWARD_CODES.handshakeFailed)?.message).toMatch(/^the tls handshake for `api\.blastguard\.test` failed: .*unknown.ca.*; does the client trust the local CA\?$/);
  });

  it('refuses a host that is neither declared nor allowed to tunnel (403, coded, nothing reached)', async () => {
    const before = rig.upstreamSeen.length;
    const r = await curl(rig, ['-v', '--cacert', rig.localCaFile, 'https://other.blastguard.test/']);
    expect(r.code).toBe(56);
    expect(r.stderr).toMatch(/HTTP\/1\.1 403 Forbidden/);
    expect(r.stderr).toMatch(/Proxy-Status: blastguard; error=http_request_denied; details="BG750 /);
    expect(rig.upstreamSeen.length).toBe(before);
  });

  it('tunnels an allowed host blind: curl sees the upstream\'s own certificate', async () => {
    const handled = rig.handled.length;
    const ok = await curl(rig, ['--cacert', rig.upstreamCaFile, `https://${TUNNEL_HOST}/blind`]);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ upstream: true, url: '/blind', headers: { host: TUNNEL_HOST } });
    expect(rig.handled.length).toBe(handled);
    // The local CA is not what signed it: nothing was intercepted.
    const local = await curl(rig, ['--cacert', rig.localCaFile, `https://${TUNNEL_HOST}/blind`]);
    expect(local.code).toBe(60);
  });

  it('hands a plain-http absolute-form request for a declared host to the handler (as https:443)', async () => {
    const r = await run('curl', ['-sS', '--max-time', '15', '-x', `http://127.0.0.1:${rig.proxyPort}`, `http://${API_HOST}/plain?q=1`], {});
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(rig.handled.at(-1)).toMatchObject({ url: '/plain?q=1', target: { host: API_HOST, port: 443, scheme: 'https' } });
    expect(rig.handled.at(-1)!.headers['proxy-connection']).toBeUndefined();
  });

  it('refuses plain http for an undeclared host', async () => {
    const r = await run('curl', ['-sS', '--max-time', '15', '-x', `http://127.0.0.1:${rig.proxyPort}`, '-w', '%{http_code}', '-o', '/dev/null', 'http://other.blastguard.test/'], {});
    expect(r.stdout).toBe('403');
  });
});

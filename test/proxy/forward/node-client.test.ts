import { X509Certificate } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCa, loadLocalCa, FORWARD_CODES } from '../../../src/proxy/forward/index.js';
import { API_HOST, Rig, TUNNEL_HOST, has, run } from './fixtures.js';

interface Connected {
  status: number;
  socket: Socket;
  /** The refusal body, when the proxy refused (read to the end). */
  body: string;
  headers: IncomingHttpHeaders;
}

/** `CONNECT authority` to the proxy by hand, as an HttpsProxyAgent does. */
function connectVia(proxyPort: number, authority: string): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: authority, headers: { host: authority } });
    req.on('connect', (res, socket: Socket, head: Buffer) => {
      const status = res.statusCode ?? 0;
      if (status === 200) {
        if (head.length > 0) socket.unshift(head);
        resolve({ status, socket, body: '', headers: res.headers });
        return;
      }
      const chunks: Buffer[] = [head];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve({ status, socket, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      socket.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** TLS over the tunnel, trusting `ca`. */
function handshake(socket: Socket, servername: string, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket, servername, ca });
    tls.once('secureConnect', () => resolve(tls));
    tls.once('error', reject);
  });
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP/1.1 request over an established (TLS) stream, which stays open for the next. */
function send(stream: TLSSocket | Socket, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ createConnection: () => stream, path, method: options.method ?? 'GET', headers: { host: API_HOST, ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }), ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const problemCode = (body: string): unknown => (JSON.parse(body) as { code?: unknown }).code;

describe('forward proxy with Node clients (CONNECT by hand, then TLS)', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await Rig.start();
  });
  afterAll(async () => {
    await rig.stop();
  });

  it('presents a certificate for the host, issued by the local CA, and hands the decrypted request over', async () => {
    const { status, socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
    expect(status).toBe(200);
    const tls = await handshake(socket, API_HOST, rig.localCaPem);
    const peer = tls.getPeerCertificate(true) as PeerCertificate & { issuerCertificate: PeerCertificate };
    const localCa = new X509Certificate(rig.localCaPem);
    expect(peer.subjectaltname).toBe(`DNS:${API_HOST}`);
    expect(peer.subject.CN).toBe(API_HOST);
    expect(peer.issuerCertificate.fingerprint256).toBe(localCa.fingerprint256);
    expect(tls.alpnProtocol).toBe(false);
    // Short validity: at most a day (plus the back-dating for clock skew).
    expect(Date.parse(peer.valid_to) - Date.parse(peer.valid_from)).toBeLessThanOrEqual(24 * 3_600_000 + 5 * 60_000);
    const answer = await send(tls, '/v1/volumes/vol-1?force=true', { method: 'DELETE', headers: { authorization: 'Bearer secret', 'x-trace': 'a' }, body: 'payload' });
    expect(answer.status).toBe(200);
    expect(rig.handled.at(-1)).toMatchObject({ method: 'DELETE', url: '/v1/volumes/vol-1?force=true', body: 'payload', target: { host: API_HOST, port: 443, scheme: 'https' } });
    expect(rig.handled.at(-1)!.headers).toMatchObject({ authorization: 'Bearer secret', 'x-trace': 'a', host: API_HOST });
    tls.destroy();
  });

  it('keeps an intercepted connection alive: two requests on one tunnel are both handed over', async () => {
    const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
    const tls = await handshake(socket, API_HOST, rig.localCaPem);
    const text = await new Promise<string>((resolve) => {
      let out = '';
      tls.on('data', (c: Buffer) => (out += c.toString()));
      tls.on('end', () => resolve(out));
      tls.write(`GET /first HTTP/1.1\r\nHost: ${API_HOST}\r\n\r\n`);
      // The second only once the first is answered: the test handler does not pipeline.
      tls.once('data', () => tls.write(`GET /second HTTP/1.1\r\nHost: ${API_HOST}\r\nConnection: close\r\n\r\n`));
    });
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(rig.handled.slice(-2).map((h) => h.url)).toEqual(['/first', '/second']);
  });

  it('a client trusting another CA refuses the intercepted certificate', async () => {
    const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
    // The chain ends in the local CA, which this client does not know.
    await expect(handshake(socket, API_HOST, rig.upstreamCaPem)).rejects.toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });

  it('tunnels an allowed host blind: the client sees the upstream\'s certificate', async () => {
    const { status, socket } = await connectVia(rig.proxyPort, `${TUNNEL_HOST}:443`);
    expect(status).toBe(200);
    const tls = await handshake(socket, TUNNEL_HOST, rig.upstreamCaPem);
    expect(tls.getPeerCertificate().subject.CN).toBe('upstream');
    const before = rig.handled.length;
    const answer = await send(tls, '/tunnelled', { headers: { host: TUNNEL_HOST } });
    expect(JSON.parse(answer.body)).toMatchObject({ upstream: true, url: '/tunnelled' });
    expect(rig.handled.length).toBe(before);
    tls.destroy();
  });

  it.each([
    ['an undeclared host', 'other.example:443', 403, FORWARD_CODES.hostRefused],
    ['an IP address', '127.0.0.1:443', 403, FORWARD_CODES.hostRefused],
    ['a declared host on another port', `${API_HOST}:8443`, 403, FORWARD_CODES.portRefused],
    ['an allowed tunnel host on another port', `${TUNNEL_HOST}:22`, 403, FORWARD_CODES.hostRefused],
    ['a target without a port', API_HOST, 400, FORWARD_CODES.badProxyRequest],
    ['a target with userinfo', `user@${API_HOST}:443`, 400, FORWARD_CODES.badProxyRequest],
  ])('refuses CONNECT to %s with a coded problem', async (_what, authority, status, code) => {
    const before = rig.upstreamSeen.length;
    const r = await connectVia(rig.proxyPort, authority);
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(problemCode(r.body)).toBe(code);
    expect(r.headers['proxy-status']).toContain(code);
    expect(rig.upstreamSeen.length).toBe(before);
  });

  it('answers 421 when the Host header inside the tunnel names another host (nothing handed on)', async () => {
    const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
    const tls = await handshake(socket, API_HOST, rig.localCaPem);
    const before = rig.handled.length;
    const answer = await send(tls, '/x', { headers: { host: 'evil.example' } });
    expect([answer.status, problemCode(answer.body)]).toEqual([421, FORWARD_CODES.misdirected]);
    expect(rig.handled.length).toBe(before);
    tls.destroy();
  });

  it('answers 421 to a Host header with bytes outside ASCII, naming it safely (no crash)', async () => {
    const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
    const tls = await handshake(socket, API_HOST, rig.localCaPem);
    const text = await new Promise<string>((resolve) => {
      let out = '';
      tls.on('data', (c: Buffer) => (out += c.toString('latin1')));
      tls.on('close', () => resolve(out));
      tls.write(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nHost: '), Buffer.from('évil.example', 'utf8'), Buffer.from('\r\n\r\n')]));
    });
    expect(text).toMatch(/^HTTP\/1\.1 421 /);
    expect(text).toMatch(/proxy-status: blastguard; error=http_request_denied; details="BG753 the `Host` header `\?\?vil\.example`/i);
  });

  it('ends the handshake when the TLS server name is another host', async () => {
    const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
    await expect(handshake(socket, 'other.blastguard.test', rig.localCaPem)).rejects.toThrow();
    expect(rig.events.some((e) => e.code === FORWARD_CODES.misdirected && e.message.includes('other.blastguard.test'))).toBe(true);
  });

  it('answers 431 to a request head over the limit, inside the tunnel and on the listener', async () => {
    const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
    const tls = await handshake(socket, API_HOST, rig.localCaPem);
    const before = rig.handled.length;
    const answer = await send(tls, '/big', { headers: { 'x-big': 'a'.repeat(20_000) } }).catch(() => ({ status: 431 }));
    expect(answer.status).toBe(431);
    expect(rig.handled.length).toBe(before);
    const plain = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: rig.proxyPort, path: `http://${API_HOST}/`, headers: { host: API_HOST, 'x-big': 'a'.repeat(20_000) } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', () => resolve(431));
      req.end();
    });
    expect(plain).toBe(431);
  });

  it('hands plain-http absolute-form with an empty path to the handler as an origin-form target starting with `/`', async () => {
    for (const [target, url] of [[`http://${API_HOST}?q=1`, '/?q=1'], [`http://${API_HOST}`, '/'], [`http://${API_HOST}/p?q`, '/p?q']] as const) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: rig.proxyPort, path: target, headers: { host: API_HOST } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect([target, status, rig.handled.at(-1)?.url]).toEqual([target, 200, url]);
    }
  });

    it('refuses origin-form requests to the proxy itself and https absolute-form without CONNECT', async () => {
    for (const path of ['/', `https://${API_HOST}/`]) {
      const answer = await new Promise<Answer>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: rig.proxyPort, path, headers: { host: API_HOST } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect([path, answer.status, problemCode(answer.body)]).toEqual([path, 400, FORWARD_CODES.badProxyRequest]);
    }
  });

  it('refuses a CA whose name constraints exclude the host: the client rejects the issued certificate', async () => {
    const material = await createLocalCa({ days: 1, permittedHosts: ['example.org'] });
    const constrained = await Rig.start({ ca: await loadLocalCa(material) });
    try {
      const { socket } = await connectVia(constrained.proxyPort, `${API_HOST}:443`);
      await expect(handshake(socket, API_HOST, material.certPem)).rejects.toThrow(/permitted subtree violation/);
      // The same CA is accepted for a host inside its permitted subtree.
      const inside = await Rig.start({ ca: await loadLocalCa(material), intercept: ['api.example.org'] });
      try {
        const r = await connectVia(inside.proxyPort, 'api.example.org:443');
        (await handshake(r.socket, 'api.example.org', material.certPem)).destroy();
      } finally {
        await inside.stop();
      }
    } finally {
      await constrained.stop();
    }
  });
});

describe('forward proxy failure paths', () => {
  it('a tunnel whose upstream is down answers 502 BG754', async () => {
    const rig = await Rig.start({ resolveTunnel: () => ({ host: '127.0.0.1', port: 1 }) });
    try {
      const r = await connectVia(rig.proxyPort, `${TUNNEL_HOST}:443`);
      expect([r.status, problemCode(r.body)]).toEqual([502, FORWARD_CODES.tunnelFailed]);
    } finally {
      await rig.stop();
    }
  });

  it('answers 502 BG755 instead of issuing from a CA that has expired since it was loaded', async () => {
    const then = new Date(Date.now() - 2 * 86_400_000);
    const material = await createLocalCa({ days: 1, now: then });
    const rig = await Rig.start({ ca: await loadLocalCa({ ...material, now: then }) });
    try {
      const r = await connectVia(rig.proxyPort, `${API_HOST}:443`);
      expect([r.status, problemCode(r.body)]).toEqual([502, FORWARD_CODES.issueFailed]);
    } finally {
      await rig.stop();
    }
  });

  it('shares one certificate between concurrent handshakes for a host, and issues a new one after half its validity', async () => {
    const rig = await Rig.start({ limits: { leafValidityMs: 1500 } });
    const fingerprint = async (): Promise<string> => {
      const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
      const tls = await handshake(socket, API_HOST, rig.localCaPem);
      const f = tls.getPeerCertificate().fingerprint256;
      tls.destroy();
      return f;
    };
    try {
      const first = await Promise.all([fingerprint(), fingerprint(), fingerprint()]);
      expect(new Set(first).size).toBe(1);
      await new Promise((r) => setTimeout(r, 900));
      expect(await fingerprint()).not.toBe(first[0]);
    } finally {
      await rig.stop();
    }
  });

  it('closes an intercepted connection whose client never completes the TLS handshake', async () => {
    const rig = await Rig.start({ limits: { handshakeTimeoutMs: 200 } });
    try {
      const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      expect(socket.destroyed).toBe(true);
    } finally {
      await rig.stop();
    }
  });

  it('answers 408 inside an intercepted tunnel when a request head does not complete in time', async () => {
    const rig = await Rig.start({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    try {
      const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
      const tls = await handshake(socket, API_HOST, rig.localCaPem);
      const text = await new Promise<string>((resolve) => {
        let out = '';
        tls.on('data', (c: Buffer) => (out += c.toString()));
        tls.on('close', () => resolve(out));
        tls.write(`GET /slow HTTP/1.1\r\nHost: ${API_HOST}\r\n`);
        // A header line now and then, never the blank line that ends the head.
        const drip = setInterval(() => (tls.writable ? tls.write('X-Drip: 1\r\n') : clearInterval(drip)), 100);
        tls.on('close', () => clearInterval(drip));
      });
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(rig.handled).toEqual([]);
    } finally {
      await rig.stop();
    }
  }, 15_000);

  it('close() ends open tunnels and intercepted connections', async () => {
    const rig = await Rig.start();
    const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
    const tls = await handshake(socket, API_HOST, rig.localCaPem);
    const closed = new Promise<void>((resolve) => tls.once('close', () => resolve()));
    await rig.stop();
    await closed;
    expect(tls.destroyed).toBe(true);
  });

  it('a handler that throws is answered 502 and nothing more', async () => {
    const rig = await Rig.start({
      handler: () => {
        throw new Error('boom');
      },
    });
    try {
      const { socket } = await connectVia(rig.proxyPort, `${API_HOST}:443`);
      const tls = await handshake(socket, API_HOST, rig.localCaPem);
      const answer = await send(tls, '/x');
      expect([answer.status, problemCode(answer.body)]).toEqual([502, FORWARD_CODES.handlerFailed]);
      expect(rig.upstreamSeen).toEqual([]);
      tls.destroy();
    } finally {
      await rig.stop();
    }
  });
});

describe('a Node child process trusting the CA through NODE_EXTRA_CA_CERTS', () => {
  // Node 20 has no HTTPS_PROXY support of its own: the child reads the variable and CONNECTs, as
  // an HttpsProxyAgent does, then verifies against its default roots — where only the documented
  // NODE_EXTRA_CA_CERTS can have put the local CA.
  const CHILD = `
    const http = require('node:http'), tls = require('node:tls');
    const proxy = new URL(process.env.HTTPS_PROXY);
    const [host, path] = process.argv.slice(1);
    http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: host + ':443' }).on('connect', (res, socket) => {
      if (res.statusCode !== 200) { console.log('refused ' + res.statusCode); socket.destroy(); return; }
      const t = tls.connect({ socket, servername: host }, () => t.write('GET ' + path + ' HTTP/1.1\\r\\nHost: ' + host + '\\r\\nConnection: close\\r\\n\\r\\n'));
      let out = '';
      t.on('data', (c) => (out += c)).on('end', () => console.log(out.split('\\r\\n')[0]));
      t.on('error', (e) => { console.log('tls error ' + e.code); process.exitCode = 3; });
    }).end();`;

  it('verifies the intercepted certificate with NODE_EXTRA_CA_CERTS, and not without it', async () => {
    const rig = await Rig.start();
    try {
      const env = { HTTPS_PROXY: `http://127.0.0.1:${rig.proxyPort}` };
      const trusted = await run(process.execPath, ['-e', CHILD, API_HOST, '/node-child'], { ...env, NODE_EXTRA_CA_CERTS: rig.localCaFile });
      expect([trusted.code, trusted.stdout.trim(), trusted.stderr]).toEqual([0, 'HTTP/1.1 200 OK', '']);
      expect(rig.handled.at(-1)).toMatchObject({ url: '/node-child', target: { host: API_HOST } });
      const untrusted = await run(process.execPath, ['-e', CHILD, API_HOST, '/node-child'], env);
      expect([untrusted.code, untrusted.stdout.trim()]).toEqual([3, 'tls error SELF_SIGNED_CERT_IN_CHAIN']);
      const refused = await run(process.execPath, ['-e', CHILD, 'example.com', '/'], { ...env, NODE_EXTRA_CA_CERTS: rig.localCaFile });
      expect(refused.stdout.trim()).toBe('refused 403');
    } finally {
      await rig.stop();
    }
  });
});

const python = await has('python3');
if (!python && process.env['CI'] !== 'true') console.log('notice: skipping test/proxy/forward/node-client.test.ts: `python3` is not installed; the Python client check is skipped');

describe.skipIf(!python && process.env['CI'] !== 'true')('forward proxy with a Python client (urllib, HTTPS_PROXY, SSL_CERT_FILE)', () => {
  it('reaches the handler through interception', async () => {
    const rig = await Rig.start();
    try {
      const script = `import urllib.request; print(urllib.request.urlopen('https://${API_HOST}/py?lang=python', timeout=10).read().decode())`;
      const r = await run('python3', ['-c', script], { HTTPS_PROXY: `http://127.0.0.1:${rig.proxyPort}`, SSL_CERT_FILE: rig.localCaFile, HOME: rig.dir });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ upstream: true, url: '/py?lang=python' });
      expect(rig.handled.at(-1)).toMatchObject({ url: '/py?lang=python', target: { host: API_HOST } });
    } finally {
      await rig.stop();
    }
  });
});

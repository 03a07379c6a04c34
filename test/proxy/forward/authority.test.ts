// Forward mode: inside an intercepted tunnel to one api's host, a target opening with `//` names
// another host to URL parsers; it was decided as a call to that other api and sent, with the
// caller's credential, to the tunnel's upstream (review of 757abe2). Such targets are refused.
import { createServer, request, type Server } from 'node:http';
import { createConnection, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnforcer, type Enforcer } from '../../../src/enforce/index.js';
import { loadVerificationKey, singleKeyConfig } from '../../../src/verify/index.js';
import { createLocalCa, loadLocalCa, FORWARD_CODES } from '../../../src/proxy/forward/index.js';
import { startForwardMode } from '../../../src/proxy/forward-mode.js';
import { signedPolicies, DOMAINS_TOKEN, RAILWAY_INVENTORY } from '../support.js';
import { startUpstream, type Upstream } from '../railway-upstream.js';

function connectVia(port: number, authority: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'CONNECT', path: authority, headers: { host: authority } });
    req.on('connect', (res, socket: Socket) => (res.statusCode === 200 ? resolve(socket) : reject(new Error(`connect ${res.statusCode}`))));
    req.on('error', reject);
    req.end();
  });
}

/** Writes a raw request (the target exactly as given) and reads the whole answer until the server closes or 1 s of quiet. */
function raw(stream: Socket | TLSSocket, text: string): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    let timer = setTimeout(() => resolve(out), 1000);
    stream.on('data', (c: Buffer) => {
      out += c.toString();
      clearTimeout(timer);
      timer = setTimeout(() => resolve(out), 300);
    });
    stream.on('end', () => resolve(out));
    stream.write(text);
  });
}

describe('forward mode: targets that name another host', () => {
  let enforcer: Enforcer;
  let railway: Upstream;
  let github: Server;
  const githubSeen: string[] = [];
  let proxy: { url: string; close(): Promise<void> };
  let ca: string;
  let dir: string;
  beforeAll(async () => {
    const signed = await signedPolicies();
    dir = mkdtempSync(path.join(tmpdir(), 'bg-fw-authority-'));
    writeFileSync(path.join(dir, 'b.tar.gz'), await signed.bundle('r1', 1));
    enforcer = createEnforcer({ source: path.join(dir, 'b.tar.gz'), verification: singleKeyConfig(loadVerificationKey(signed.verificationPem, 'ES256')), poll: false });
    await enforcer.refresh();
    railway = await startUpstream('graphql-http');
    github = createServer((req, res) => {
      githubSeen.push(`${req.method} ${req.url}`);
      res.writeHead(200).end('{"github":true}');
    });
    await new Promise<void>((r) => github.listen(0, '127.0.0.1', r));
    const material = await createLocalCa({ days: 1 });
    ca = material.certPem;
    proxy = await startForwardMode({
      enforcer: { catalog: () => enforcer.catalog(), decide: (i, c) => enforcer.decide(i, c) },
      inventories: new Map([['railway', RAILWAY_INVENTORY]]),
      ca: await loadLocalCa(material),
      port: 0,
      upstreams: [
        { api: 'railway', url: railway.url },
        { api: 'github-rest', url: `http://127.0.0.1:${(github.address() as AddressInfo).port}` },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await railway?.close();
    github?.closeAllConnections();
    github?.close();
    await enforcer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const body = JSON.stringify({ query: '{ me { id } }' });
  const post = (target: string, host: string): string =>
    `POST ${target} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${DOMAINS_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

  it.each(['//backboard.railway.com/graphql/v2', '/\\backboard.railway.com/graphql/v2'])('`%s` inside a tunnel to api.github.com is refused, nothing forwarded', async (target) => {
    githubSeen.length = 0;
    railway.received.length = 0;
    const socket = await connectVia(Number(new URL(proxy.url).port), 'api.github.com:443');
    const tls = await new Promise<TLSSocket>((resolve, reject) => {
      const t = tlsConnect({ socket, servername: 'api.github.com', ca });
      t.once('secureConnect', () => resolve(t));
      t.once('error', reject);
    });
    const answer = await raw(tls, post(target, 'api.github.com'));
    tls.destroy();
    expect(answer.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(answer).toContain(FORWARD_CODES.badProxyRequest);
    expect(githubSeen).toEqual([]);
    expect(railway.received).toEqual([]);
  });

  it('a plain-http absolute-form target whose path opens with `//` is refused', async () => {
    githubSeen.length = 0;
    railway.received.length = 0;
    const socket = createConnection({ host: '127.0.0.1', port: Number(new URL(proxy.url).port) });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const answer = await raw(socket, post('http://api.github.com//backboard.railway.com/graphql/v2', 'api.github.com'));
    socket.destroy();
    expect(answer.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(answer).toContain(FORWARD_CODES.badProxyRequest);
    expect(githubSeen).toEqual([]);
    expect(railway.received).toEqual([]);
  });
});

// A throw-away CA and a certificate for 127.0.0.1 it issued: an https MCP upstream on loopback
// that only a client trusting this CA (`--upstream-ca`) may reach.
import { webcrypto } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { x509 } from '../../src/proxy/forward/x509.js';

export interface TestTls {
  caPem: string;
  caFile: string;
  keyFile: string;
  certFile: string;
}

export async function loopbackTls(dir: string): Promise<TestTls> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 3_600_000);
  const notAfter = new Date(Date.now() + 86_400_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=mcp upstream test CA',
    keys: caKeys,
    signingAlgorithm: alg,
    notBefore,
    notAfter,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=127.0.0.1',
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: alg,
    notBefore,
    notAfter,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const out = {
    caPem: ca.toString('pem'),
    caFile: path.join(dir, 'upstream-ca.pem'),
    keyFile: path.join(dir, 'upstream-key.pem'),
    certFile: path.join(dir, 'upstream-cert.pem'),
  };
  await writeFile(out.caFile, out.caPem);
  await writeFile(out.keyFile, `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`);
  await writeFile(out.certFile, cert.toString('pem'));
  return out;
}

// Review of the session's merges (F1): the proxy retried a GET that failed before any answer,
// but a GET may be decided as a write (an AWS query `Action=RunInstances`): an upstream that
// acted on it and then reset the connection ran it twice for one decision. Only a request whose
// every operation is catalogued as a read is sent again; this one is answered 502.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { send } from './send.js';
import { startProxy } from './support.js';

it('a GET decided as a write is not sent again when the upstream resets after acting on it', async () => {
  const executed: string[] = [];
  const server = createServer((socket: Socket) => {
    let head = '';
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => {
      head += c.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      executed.push(head.slice(0, head.indexOf('\r\n')));
      if (executed.length === 1) return void socket.resetAndDestroy();
      socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: 5\r\nconnection: close\r\n\r\n<ok/>');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const harness = await startProxy([{ api: 'aws-ec2', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }]);
  try {
    const sig = `AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/ec2/aws4_request, SignedHeaders=x-amz-date, Signature=${'a'.repeat(64)}`;
    const res = await send(harness.proxy.url, { method: 'GET', path: '/?Action=RunInstances&ImageId=ami-1&MinCount=1&MaxCount=1&Version=2016-11-15', headers: { host: 'ec2.us-east-1.amazonaws.com', 'x-amz-date': '20261130T190000Z', authorization: sig } });
    expect(res.status, res.text).toBe(502);
    expect(executed).toHaveLength(1);
  } finally {
    await harness.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}, 60_000);

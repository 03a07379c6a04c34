// The bare pass-through proxy of the proxy benchmark, in its own process as `blastguard proxy` is:
// what any Node reverse proxy costs. It streams each request to the upstream over a keep-alive
// `node:http` agent (the same pool size blastguard's upstream pool has) and streams the answer back.
// Usage: node proxy-bare.mjs UPSTREAM_PORT; prints its own port on stdout.
import { Agent, createServer, request } from 'node:http';

const upstreamPort = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const up = request({ hostname: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));

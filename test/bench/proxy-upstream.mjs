// The upstream of the proxy benchmark, in its own process: answers every request with one small
// GraphQL result after reading the body, keep-alive, and prints its port.
import { createServer } from 'node:http';

const answer = Buffer.from('{"data":{"customDomainCreate":{"id":"cd1","domain":"staging.pocketos.example"}}}');
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));

/**
 * A stand-in for another team's mock (OICP_MOCK_COMMAND) that lets a test interrupt a run while a scenario
 * is under way, without waiting on the clock:
 *   node --import tsx tests/support/holding-mock.ts --port N --answer K --dir D
 * It writes its pid to D/pid, answers the first K requests through the embedded mock, and holds every later
 * one (never answers it). Each request adds a line to D/requests as it arrives, so the test knows that K
 * scenarios have been answered and the next one is waiting when line K+1 appears.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startMock } from '../../mock/server.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, answer: { type: 'string' }, dir: { type: 'string' } },
});
const port = Number(values.port);
const answer = Number(values.answer);
const dir = values.dir as string;

const upstream = await startMock({ port: 0 });
let requests = 0;
const server = http.createServer((request, response) => {
  requests++;
  fs.appendFileSync(path.join(dir, 'requests'), `${requests} ${request.method} ${request.url}\n`);
  if (requests > answer) return; // held: the scenario waits until the run is interrupted
  const forward = http.request(
    `${upstream.url}${request.url}`,
    { method: request.method, headers: request.headers },
    (answered) => {
      response.writeHead(answered.statusCode ?? 502, answered.headers);
      answered.pipe(response);
    },
  );
  forward.on('error', () => response.destroy());
  request.pipe(forward);
});
server.listen(port, '127.0.0.1', () => {
  fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
});

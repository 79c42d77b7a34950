import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A target of the report-size tests' own: it answers an AuthorizeStart refusal whose AdditionalInfo is
 * `answerBytes` long (50 MB by default), except to a request larger than 100 KB, which gets a normal
 * refusal (so that the test's padded request is judged on its own).
 */
export interface HugeAnswerServer {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

export async function startHugeAnswerServer(answerBytes = 50 * 1024 * 1024): Promise<HugeAnswerServer> {
  const refusal = (additionalInfo: string | null) =>
    `{"SessionID":null,"CPOPartnerSessionID":null,"EMPPartnerSessionID":null,"ProviderID":null,` +
    `"AuthorizationStatus":"NotAuthorized","StatusCode":{"Code":"102","Description":null,` +
    `"AdditionalInfo":${additionalInfo === null ? 'null' : `"${additionalInfo}"`}},"AuthorizationStopIdentifications":null}`;
  const huge = Buffer.from(refusal('x'.repeat(answerBytes)));
  const small = Buffer.from(refusal(null));
  let count = 0;
  const server = http.createServer((request, response) => {
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    request.on('end', () => {
      count++;
      const body = size > 100_000 ? small : huge;
      response.writeHead(200, {
        'content-type': 'application/json;charset=utf-8',
        'content-length': body.length,
        'process-id': `huge-${count}`,
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

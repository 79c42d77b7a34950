import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ChromiumNotFound, findChromium, SYSTEM_CHROMIUM_PATHS } from '../../scripts/report/chromium.ts';
import { pickDetailTest, screenshotFiles } from '../../scripts/report/screenshots.ts';
import { contentTypeOf, resolveRequestPath, serveDirectory } from '../../scripts/report/static-server.ts';
import { isSingleFileReport } from '../../src/report/report-data.ts';
import { expect, test } from '../support/test.ts';

// The parts of `npm run report:screenshot` that need no browser.

function reportFolder(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-report-'));
  fs.mkdirSync(path.join(root, 'widgets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<html>report</html>');
  fs.writeFileSync(path.join(root, 'widgets', 'tree.json'), '{"a":1}');
  fs.writeFileSync(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`), 'outside');
  return root;
}

/** A raw GET, so that `..` reaches the server unnormalised. */
function get(
  url: string,
  rawPath: string,
  method = 'GET',
): Promise<{ status: number; type?: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, path: rawPath, method }, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'], body }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

test('the static server serves the report folder on the loopback interface, and nothing outside it', async () => {
  const root = reportFolder();
  const server = await serveDirectory(root);
  try {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await get(server.url, '/')).toMatchObject({ status: 200, body: '<html>report</html>' });
    expect(await get(server.url, '/widgets/tree.json?v=123')).toMatchObject({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: '{"a":1}',
    });
    expect((await get(server.url, '/widgets/metrics.json')).status).toBe(404);
    expect((await get(server.url, `/../${path.basename(root)}-secret.txt`)).status).toBe(404);
    expect((await get(server.url, `/%2e%2e/${path.basename(root)}-secret.txt`)).status).toBe(404);
    expect((await get(server.url, '/', 'POST')).status).toBe(405);
  } finally {
    await server.close();
  }
  await expect(serveDirectory(path.join(root, 'nope'))).rejects.toThrow('is not a folder');
});

test('request paths resolve inside the folder only; folders stand for their index.html', () => {
  const root = reportFolder();
  expect(resolveRequestPath(root, '/')).toBe(path.join(root, 'index.html'));
  expect(resolveRequestPath(root, '/widgets/tree.json#x')).toBe(path.join(root, 'widgets', 'tree.json'));
  expect(resolveRequestPath(root, '/../../etc/passwd')).toBeUndefined();
  expect(resolveRequestPath(root, '/%E0%A4%A')).toBeUndefined();
  expect(resolveRequestPath(root, '/widgets')).toBeUndefined();
  expect(contentTypeOf('app.js')).toBe('text/javascript; charset=utf-8');
  expect(contentTypeOf('x.unknown')).toBe('application/octet-stream');
});

test('Chromium is CHROMIUM_PATH or the system one, and its absence is a clear error, never a download', () => {
  expect(findChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, (file) => file === '/opt/chrome/chrome')).toBe(
    '/opt/chrome/chrome',
  );
  expect(() => findChromium({ CHROMIUM_PATH: '/nope/chrome' }, () => false)).toThrow(
    /CHROMIUM_PATH=\/nope\/chrome is not an executable file/,
  );
  expect(findChromium({}, (file) => file === '/usr/bin/chromium')).toBe('/usr/bin/chromium');
  expect(SYSTEM_CHROMIUM_PATHS).toContain('/usr/bin/chromium');
  let error: unknown;
  try {
    findChromium({}, () => false);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ChromiumNotFound);
  expect((error as Error).message).toContain('apt-get install chromium');
  expect((error as Error).message).toContain('CHROMIUM_PATH');
  expect((error as Error).message).toContain('never downloads a browser');
});

test('the detail screenshot shows a failed test when there is one, else one with an advisory', () => {
  const root = reportFolder();
  const registry = (byId: Record<string, { status: string; name: string }>) =>
    fs.writeFileSync(
      path.join(root, 'test-results.json'),
      JSON.stringify({ byId: Object.fromEntries(Object.entries(byId).map(([id, t]) => [id, { id, ...t }])) }),
    );
  fs.mkdirSync(path.join(root, 'data', 'test-results'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'data', 'test-results', 'b.json'),
    JSON.stringify({ labels: [{ name: 'advisory', value: 'requestCarriesEvseId' }] }),
  );
  registry({ a: { status: 'passed', name: 'A' }, b: { status: 'passed', name: 'B' } });
  expect(pickDetailTest(root)?.id).toBe('b');
  registry({
    a: { status: 'passed', name: 'A' },
    b: { status: 'passed', name: 'B' },
    c: { status: 'failed', name: 'C' },
  });
  expect(pickDetailTest(root)?.id).toBe('c');
  fs.rmSync(path.join(root, 'test-results.json'));
  expect(pickDetailTest(root)).toBeUndefined();
  expect(screenshotFiles('/out').detail).toBe('/out/allure-test-detail.png');
});

test('a single-file report is read from its inlined data: the advisory test is found without a data folder', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-single-'));
  const inline = (name: string, value: unknown) =>
    `d(${JSON.stringify(name)},${JSON.stringify(Buffer.from(JSON.stringify(value)).toString('base64'))})`;
  fs.writeFileSync(
    path.join(root, 'index.html'),
    `<script defer>Promise.allSettled([${inline('data/test-results/b.json', { labels: [{ name: 'advisory', value: 'x' }] })},${inline('data/test-results/a.json', { labels: [] })}])</script>`,
  );
  fs.writeFileSync(
    path.join(root, 'test-results.json'),
    JSON.stringify({
      byId: { a: { id: 'a', name: 'A', status: 'passed' }, b: { id: 'b', name: 'B', status: 'passed' } },
    }),
  );
  expect(isSingleFileReport(root)).toBe(true);
  expect(pickDetailTest(root)?.id).toBe('b');
  fs.mkdirSync(path.join(root, 'data'));
  expect(isSingleFileReport(root)).toBe(false);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  externalLoads,
  makeReportOffline,
  ReportCallsOut,
  scanReportFolder,
  stripAnalytics,
} from '../../src/report/offline-report.ts';
import { expect, test } from '../support/test.ts';

// Allure 3.18's template, as the awesome plugin renders it (node_modules/@allurereport/plugin-awesome/dist/generators.js).
const ALLURE_TAIL = `    <script>
      window.allure = window.allure || {};
    </script>
    <script   src="data:text/javascript;base64,${Buffer.from('console.log("app")').toString('base64')}"></script>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-LNDJ3J7WT0', {
          "report": "awesome",
          "single_file": "true"
        });
    </script>
    <script async>
      window.allureReportDataReady = false;
    </script>
</body>
</html>
`;

const b64 = (text: string) => Buffer.from(text).toString('base64');

function reportFolder(html: string, extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-offline-'));
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  for (const [name, content] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

test("Allure's tag manager and its inline configuration are stripped, the report's own scripts kept", () => {
  const { html, stripped } = stripAnalytics(`<html><body>\n${ALLURE_TAIL}`);
  expect(stripped).toBe(1);
  expect(html).not.toContain('googletagmanager');
  expect(html).not.toContain('gtag(');
  expect(html).toContain('window.allure = window.allure || {};');
  expect(html).toContain('window.allureReportDataReady = false;');
  // The inlined app is kept byte for byte.
  expect(html).toContain(`data:text/javascript;base64,${b64('console.log("app")')}"`);
  expect(externalLoads(html, 'html', 'index.html')).toEqual([]);
});

test('the scan finds loads from other hosts in HTML, inlined CSS and JS, and ignores links a reader may click', () => {
  const loads = (text: string, kind: 'html' | 'css' | 'js' = 'html') =>
    externalLoads(text, kind, 'f').map((l) => l.what);
  expect(loads('<script src="https://cdn.example/x.js"></script>')).toEqual(['https://cdn.example/x.js']);
  expect(loads('<link rel="stylesheet" href="//fonts.example/css">')).toEqual(['//fonts.example/css']);
  expect(loads('<img alt="" src=http://img.example/p.png>')).toEqual(['http://img.example/p.png']);
  expect(loads('<style>@font-face{src:url("https://fonts.example/f.woff2")}</style>')).toEqual([
    'https://fonts.example/f.woff2',
  ]);
  expect(loads('<script>fetch("https://api.example/collect",{})</script>')).toEqual([
    'https://api.example/collect',
  ]);
  expect(loads('navigator.sendBeacon(`https://beacon.example/b`)', 'js')).toEqual([
    'https://beacon.example/b',
  ]);
  expect(loads('x.open("POST","https://api.example/x")', 'js')).toEqual(['https://api.example/x']);
  expect(loads('s.src="https://tags.example/t.js"', 'js')).toEqual(['https://tags.example/t.js']);
  // Inlined as data: URLs, the way the single-file report carries its script and styles.
  expect(
    loads(`<script src="data:text/javascript;base64,${b64('fetch("https://api.example/x")')}"></script>`),
  ).toEqual(['https://api.example/x']);
  expect(
    loads(
      `<link rel="stylesheet" href="data:text/css;base64,${b64('a{background:url(https://img.example/a.png)}')}">`,
    ),
  ).toEqual(['https://img.example/a.png']);
  // Before, between and after inlined payloads: the text around them is read as well.
  const inlinedScript = `<script src="data:text/javascript;base64,${b64('console.log(1)')}"></script>`;
  expect(
    loads(
      `<img src="https://a.example/1.png">${inlinedScript}<img src="https://b.example/2.png">${inlinedScript}<script>fetch("https://c.example/3")</script>`,
    ),
  ).toEqual(['https://a.example/1.png', 'https://b.example/2.png', 'https://c.example/3']);
  // A tracker's name anywhere is enough.
  expect(loads('var t="www.google-analytics.com"', 'js')).toEqual(['google-analytics.com']);
  // Not loads: links, SVG namespaces, local and inline resources.
  expect(
    loads(
      '<a href="https://allurereport.org" target="_blank">Powered by</a><svg xmlns="http://www.w3.org/2000/svg"></svg>' +
        '<script src="app.js"></script><link rel="icon" href="data:image/svg+xml,%3Csvg%3E"><img src="blob:x">',
    ),
  ).toEqual([]);
  expect(loads('window.open("https://trace.playwright.dev/")', 'js')).toEqual([]);
});

test('a generated report is made offline; one that still calls out fails loudly', () => {
  const clean = reportFolder(`<html><body>\n${ALLURE_TAIL}`, { 'app.js': 'fetch("data/tree.json")' });
  expect(makeReportOffline(clean)).toEqual({ stripped: 1 });
  expect(fs.readFileSync(path.join(clean, 'index.html'), 'utf8')).not.toContain('googletagmanager');
  expect(scanReportFolder(clean)).toEqual([]);

  // Allure changed its template: the pattern no longer matches, and another host is still loaded.
  const changed = reportFolder(
    '<html><head><script defer src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script></head></html>',
  );
  expect(() => makeReportOffline(changed)).toThrow(ReportCallsOut);
  expect(() => makeReportOffline(changed)).toThrow(/pattern was not found: its template has changed/);
  expect(() => makeReportOffline(changed)).toThrow(
    /index\.html: https:\/\/www\.googletagmanager\.com\/gtm\.js/,
  );

  // A tracker hidden in a script file of a folder report.
  const folder = reportFolder('<html></html>', {
    'app-1.js': 'var u="https://www.google-analytics.com/g/collect"',
  });
  expect(() => makeReportOffline(folder)).toThrow(/app-1\.js: google-analytics\.com/);

  // Allure dropped its analytics upstream: nothing to strip, nothing external, fine.
  expect(makeReportOffline(reportFolder('<html><body>report</body></html>'))).toEqual({ stripped: 0 });
});

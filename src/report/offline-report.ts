import fs from 'node:fs';
import path from 'node:path';

/**
 * A report that calls no one. Allure 3's report template hard-codes Google's tag manager (there is no
 * switch for it yet), so every reader of a report — OperatorID, EVSEs, cards — would ping a third party.
 * The generated files are cleaned after generation, and then scanned: if any file still loads something
 * from another host (Allure changed its template, a new tracker), generation fails rather than ship it.
 */

/** Allure's analytics: the tag manager's script and the inline script that configures it. */
const ANALYTICS =
  /[ \t]*<script\b[^>]*\bsrc=["']https:\/\/www\.googletagmanager\.com\/gtag\/js[^"']*["'][^>]*>\s*<\/script>(?:\s*<script\b[^>]*>(?:(?!<\/script>)[\s\S])*?\bgtag\((?:(?!<\/script>)[\s\S])*<\/script>)?\n?/g;

export function stripAnalytics(html: string): { html: string; stripped: number } {
  let stripped = 0;
  const cleaned = html.replace(ANALYTICS, () => {
    stripped++;
    return '';
  });
  return { html: cleaned, stripped };
}

/** A URL that leaves the report: any scheme with a host (http, https, ws, ftp…) or a protocol-relative one. */
const EXTERNAL_URL = /^\s*(?:(?:https?|wss?|ftp):)?\/\/[^/\s]/i;

function isExternalUrl(url: string): boolean {
  return EXTERNAL_URL.test(url);
}

/** Hosts whose only business in a page is to watch its reader, wherever their name appears. */
const TRACKER_HOSTS =
  /\b(?:googletagmanager\.com|google-analytics\.com|analytics\.google\.com|doubleclick\.net|hotjar\.com|segment\.(?:io|com)|mixpanel\.com|clarity\.ms|plausible\.io|matomo\.cloud)\b/gi;

/** One place where a report file would load something from another host. */
export interface ExternalLoad {
  /** The file (and, for inlined content, the data: URL's type) it was found in. */
  where: string;
  what: string;
}

type Kind = 'html' | 'css' | 'js';

const HTML_LOADS: RegExp[] = [
  // Elements whose src is fetched when the page renders.
  /<(?:script|img|iframe|frame|embed|source|audio|video|track|input)\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]+)/gi,
  // Stylesheets, icons, preloads, preconnects, manifests: every <link> href is fetched.
  /<link\b[^>]*?\shref\s*=\s*["']?([^"'\s>]+)/gi,
  /<object\b[^>]*?\sdata\s*=\s*["']?([^"'\s>]+)/gi,
  /<base\b[^>]*?\shref\s*=\s*["']?([^"'\s>]+)/gi,
  /\ssrcset\s*=\s*["']?([^"'>]+)/gi,
  /<meta\b[^>]*http-equiv\s*=\s*["']?refresh[^>]*content\s*=\s*["'][^"']*url\s*=\s*([^"'\s>]+)/gi,
  // SVG images referencing another document.
  /<(?:image|use|feImage)\b[^>]*?\s(?:xlink:)?href\s*=\s*["']?([^"'\s>]+)/gi,
];

const CSS_LOADS: RegExp[] = [/url\(\s*["']?([^"')\s]+)/gi, /@import\s+["']([^"']+)/gi];

const JS_LOADS: RegExp[] = [
  // Network APIs called with a literal URL.
  /\b(?:fetch|importScripts|sendBeacon|WebSocket|EventSource|Worker|SharedWorker|import)\s*\(\s*[`'"]([^`'"]+)/g,
  /\.open\(\s*[`'"](?:GET|POST|PUT|HEAD)[`'"]\s*,\s*[`'"]([^`'"]+)/gi,
  // A script or image element pointed at another host.
  /\.src\s*=\s*[`'"]([^`'"]+)/g,
];

function urlsOf(text: string, patterns: readonly RegExp[]): string[] {
  const found: string[] = [];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const value = match[1] ?? '';
      // srcset lists several candidates: "a.png 1x, https://x/b.png 2x".
      for (const candidate of value.split(',').map((part) => part.trim().split(/\s+/)[0] ?? ''))
        if (isExternalUrl(candidate)) found.push(candidate);
    }
  }
  return found;
}

/** The contents inlined as base64 data: URLs (the single-file report carries its script that way). */
function inlined(text: string): Array<{ type: string; kind: Kind; content: string }> {
  const out: Array<{ type: string; kind: Kind; content: string }> = [];
  const pattern =
    /data:((?:text|application|image)\/(?:javascript|ecmascript|css|html|svg\+xml))(?:;[^,;"']*)*;base64,([A-Za-z0-9+/=]+)/gi;
  for (const match of text.matchAll(pattern)) {
    const type = (match[1] ?? '').toLowerCase();
    const kind: Kind = type.endsWith('css') ? 'css' : type.includes('script') ? 'js' : 'html';
    out.push({ type, kind, content: Buffer.from(match[2] ?? '', 'base64').toString('utf8') });
  }
  return out;
}

/** Every load from another host a text of the given kind (and whatever it inlines) would make. */
export function externalLoads(text: string, kind: Kind, where: string): ExternalLoad[] {
  const loads: string[] = [...(text.match(TRACKER_HOSTS) ?? [])];
  if (kind === 'html') {
    loads.push(...urlsOf(text, HTML_LOADS));
    // Inline <style> and style attributes.
    loads.push(...urlsOf(text, CSS_LOADS));
    for (const script of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi))
      loads.push(...urlsOf(script[1] ?? '', JS_LOADS));
  } else if (kind === 'css') {
    loads.push(...urlsOf(text, CSS_LOADS));
  } else {
    loads.push(...urlsOf(text, JS_LOADS));
  }
  const found = [...new Set(loads)].map((what) => ({ where, what }));
  for (const item of inlined(text))
    found.push(...externalLoads(item.content, item.kind, `${where} (${item.type})`));
  return found;
}

function kindOf(file: string): Kind | undefined {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.html' || extension === '.htm' || extension === '.svg') return 'html';
  if (extension === '.css') return 'css';
  if (extension === '.js' || extension === '.mjs') return 'js';
  return undefined;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The HTML, CSS, JS and SVG files of a report folder: those that can load something. */
function loadingFiles(dir: string): Array<{ file: string; kind: Kind }> {
  return filesUnder(dir).flatMap((file) => {
    const kind = kindOf(file);
    return kind ? [{ file, kind }] : [];
  });
}

/** Every load from another host in the HTML, CSS, JS and SVG files of a report folder. */
export function scanReportFolder(dir: string): ExternalLoad[] {
  return loadingFiles(dir).flatMap(({ file, kind }) =>
    externalLoads(fs.readFileSync(file, 'utf8'), kind, path.relative(dir, file)),
  );
}

export class ReportCallsOut extends Error {
  override name = 'ReportCallsOut';
}

/**
 * Strips Allure's analytics from every HTML file of the generated report, then verifies that no file loads
 * anything from another host. Throws ReportCallsOut (the report must not be shipped) when one still does.
 */
export function makeReportOffline(dir: string): { stripped: number } {
  let stripped = 0;
  const loads: ExternalLoad[] = [];
  // Each file read once: the single-file report of a large run is tens of megabytes.
  for (const { file, kind } of loadingFiles(dir)) {
    let text = fs.readFileSync(file, 'utf8');
    if (kind === 'html') {
      const result = stripAnalytics(text);
      if (result.stripped > 0) {
        fs.writeFileSync(file, result.html);
        stripped += result.stripped;
        text = result.html;
      }
    }
    loads.push(...externalLoads(text, kind, path.relative(dir, file)));
  }
  if (loads.length > 0) {
    throw new ReportCallsOut(
      [
        `The generated Allure report would contact other hosts when opened (${stripped === 0 ? "Allure's analytics pattern was not found: its template has changed" : 'after removing Allure’s analytics'}):`,
        ...loads.slice(0, 10).map((load) => `  ${load.where}: ${load.what}`),
        'It was not kept as evidence. Update src/report/offline-report.ts for this Allure version.',
      ].join('\n'),
    );
  }
  return { stripped };
}

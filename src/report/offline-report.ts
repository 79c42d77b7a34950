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
  // Only the text around the inlined payloads: the pattern cannot start in base64, and scanning megabytes of it
  // for a script tag took longer than the rest of the report's generation. The scan after it still reads all.
  const { parts, payloads } = splitAtPayloads(html);
  const cleaned = parts.map((part) =>
    part.replace(ANALYTICS, () => {
      stripped++;
      return '';
    }),
  );
  return { html: cleaned.map((part, i) => part + (payloads[i]?.base64 ?? '')).join(''), stripped };
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

/** A data: URL that inlines content which can load something itself: a script, a style sheet, HTML, SVG. */
const INLINED =
  /data:((?:text|application|image)\/(?:javascript|ecmascript|css|html|svg\+xml))(?:;[^,;"']*)*;base64,([A-Za-z0-9+/=]+)/gi;

interface Payload {
  type: string;
  kind: Kind;
  base64: string;
}

/**
 * A text cut at its inlined payloads (the single-file report carries its script as one base64 data: URL of
 * megabytes): `parts[i]` is followed by `payloads[i]` in the text. No pattern of this file can match inside
 * base64 (no dot, quote, bracket or space), nor across a payload cut out of the text around it.
 */
function splitAtPayloads(text: string): { parts: string[]; payloads: Payload[] } {
  const parts: string[] = [];
  const payloads: Payload[] = [];
  let from = 0;
  for (const match of text.matchAll(INLINED)) {
    const base64 = match[2] ?? '';
    const end = (match.index ?? 0) + match[0].length;
    parts.push(text.slice(from, end - base64.length));
    const type = (match[1] ?? '').toLowerCase();
    payloads.push({
      type,
      kind: type.endsWith('css') ? 'css' : type.includes('script') ? 'js' : 'html',
      base64,
    });
    from = end;
  }
  parts.push(text.slice(from));
  return { parts, payloads };
}

/** Every load from another host a text of the given kind (and whatever it inlines) would make. */
export function externalLoads(text: string, kind: Kind, where: string): ExternalLoad[] {
  const { parts, payloads } = splitAtPayloads(text);
  // The patterns read the text around the payloads (see splitAtPayloads); each payload is read decoded.
  const around = parts.join('');
  const loads: string[] = [...(around.match(TRACKER_HOSTS) ?? [])];
  if (kind === 'html') {
    loads.push(...urlsOf(around, HTML_LOADS));
    // Inline <style> and style attributes.
    loads.push(...urlsOf(around, CSS_LOADS));
    for (const script of around.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi))
      loads.push(...urlsOf(script[1] ?? '', JS_LOADS));
  } else if (kind === 'css') {
    loads.push(...urlsOf(around, CSS_LOADS));
  } else {
    loads.push(...urlsOf(around, JS_LOADS));
  }
  const found = [...new Set(loads)].map((what) => ({ where, what }));
  for (const payload of payloads)
    found.push(
      ...externalLoads(
        Buffer.from(payload.base64, 'base64').toString('utf8'),
        payload.kind,
        `${where} (${payload.type})`,
      ),
    );
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

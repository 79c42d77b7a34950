import { InputError, type InputProblem } from '../input/errors.ts';

/** Hubject's production host: an AuthorizeStart there creates real charging sessions. */
const PRODUCTION_HOST = 'service.hubject.com';

type Env = Record<string, string | undefined>;

/** The path before `/operators/{operatorID}/authorize/start` on Hubject (OICP_OPERATION_PATH, profile `operationPath`). */
export const DEFAULT_OPERATION_PATH = '/api/oicp/charging/v21';
/** What follows the operation path: the operation itself. */
const OPERATION_SUFFIX = '/operators/{operatorID}/authorize/start';

/** The characters a path may hold as written (RFC 3986 `pchar` and `/`; `%` for percent-encoded bytes). */
const PATH_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

/**
 * Checks an operation path (OICP_OPERATION_PATH or a profile's `operationPath`): an absolute path, no query
 * or fragment, no `..` (written or percent-encoded), no control or other characters a request line cannot
 * carry. Returns it without trailing slashes (`/` alone becomes the empty prefix).
 */
export function checkOperationPath(raw: string, where: Omit<InputProblem, 'message'>): string {
  const refuse = (why: string): never => {
    throw new InputError('Invalid configuration; nothing was sent', [
      {
        ...where,
        message: `${JSON.stringify(raw)} ${why}: give the path before ${OPERATION_SUFFIX}, e.g. ${DEFAULT_OPERATION_PATH}`,
      },
    ]);
  };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (/[\u0000-\u001f\u007f-\u009f]/.test(raw)) refuse('holds a control character');
  if (!raw.startsWith('/')) refuse("must start with '/'");
  if (raw.startsWith('//')) refuse("must not start with '//' (it would read as a host)");
  if (raw.includes('?') || raw.includes('#')) refuse('must not hold a ?query or #fragment');
  if (/\.\.|%2e(?:\.|%2e)|\.%2e/i.test(raw)) refuse("must not hold '..'");
  if (!PATH_CHARACTERS.test(raw))
    refuse('holds characters a URL path cannot carry as written (spaces, \\, non-ASCII)');
  if (/%(?![0-9a-f]{2})/i.test(raw)) refuse("holds a '%' that starts no percent-encoded byte");
  if (/\/operators(?:\/|$)|\/authorize\/start/i.test(raw)) refuse('already holds the operation');
  return raw.replace(/\/+$/, '');
}

/**
 * The operation's path already written into a base URL's path (`…/api/oicp/charging/v21`, the configured
 * operation path, any `/api/oicp/` path or the operation itself), or undefined.
 */
function operationPathIn(pathname: string, operationPath: string): string | undefined {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // Malformed percent-encoding: judged as written.
  }
  const path = `${decoded.replace(/\/+$/, '').toLowerCase()}/`;
  if (operationPath && path.includes(`${operationPath.toLowerCase()}/`)) return operationPath;
  const oicp = /\/api\/oicp\/.*$/.exec(path) ?? /\/operators\/.*$|\/authorize\/start\/$/.exec(path);
  return oicp ? oicp[0].replace(/\/$/, '') : undefined;
}

/**
 * The host a URL reaches, spelled the one way resolvers and TLS see it. The WHATWG URL parser already does
 * what they do — letter case, percent-decoding, IDNA mapping (full-width letters, ideographic and other
 * Unicode full stops, ignored characters such as the soft hyphen), userinfo and port left out — and the
 * trailing root dots DNS ignores (`service.hubject.com.`) are dropped here.
 */
function canonicalHost(url: URL): string {
  return url.hostname.toLowerCase().replace(/\.+$/, '');
}

function isProductionHost(url: URL): boolean {
  return canonicalHost(url) === PRODUCTION_HOST;
}

/**
 * Checks the target URL: an http(s) origin, and never Hubject production unless explicitly allowed. The
 * host is compared by identity, not by spelling, so no other spelling of the production host passes.
 * Returns the base URL requests are built on (origin and path, no userinfo, no trailing slash).
 */
export function checkBaseUrl(
  raw: string,
  env: Env,
  where: Omit<InputProblem, 'message'>,
  operationPath: string = DEFAULT_OPERATION_PATH,
): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError('Invalid target URL', [
      { ...where, message: `'${raw}' is not a URL (expected e.g. https://service-qa.hubject.com)` },
    ]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError('Invalid target URL', [{ ...where, message: `'${raw}' must use http or https` }]);
  }
  if (url.username || url.password) {
    throw new InputError('Invalid target URL', [
      {
        ...where,
        message: `${url.origin}: a user name or password in the URL would be sent and logged; the target is reached with the client certificate only`,
      },
    ]);
  }
  if (isProductionHost(url) && env.OICP_ALLOW_PRODUCTION !== '1') {
    throw new InputError('Refusing to run against Hubject production', [
      {
        ...where,
        message: `${url.origin} is Hubject's production system (${PRODUCTION_HOST}), where AuthorizeStart creates real charging sessions. Set OICP_ALLOW_PRODUCTION=1 if you really mean it.`,
      },
    ]);
  }
  if (url.search || url.hash) {
    throw new InputError('Invalid target URL', [
      {
        ...where,
        message: `'${raw}': give the origin (and a path prefix) only, without ?query or #fragment`,
      },
    ]);
  }
  const written = operationPathIn(url.pathname, operationPath);
  if (written !== undefined) {
    const setting =
      where.field === 'OICP_BASE_URL' ? 'OICP_BASE_URL' : `the profile's ${where.field || 'baseUrl'}`;
    throw new InputError('Invalid target URL; nothing was sent', [
      {
        ...where,
        message: `'${raw}' already contains the operation's path (${written}): set ${setting} to the origin only, e.g. ${url.origin} — the suite appends ${operationPath}${OPERATION_SUFFIX} itself (for a target whose operation lives under another path, set OICP_OPERATION_PATH or the profile's operationPath)`,
      },
    ]);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

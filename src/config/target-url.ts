import { InputError, type InputProblem } from '../input/errors.ts';

/** Hubject's production host: an AuthorizeStart there creates real charging sessions. */
export const PRODUCTION_HOST = 'service.hubject.com';

type Env = Record<string, string | undefined>;

/**
 * The host a URL reaches, spelled the one way resolvers and TLS see it. The WHATWG URL parser already does
 * what they do — letter case, percent-decoding, IDNA mapping (full-width letters, ideographic and other
 * Unicode full stops, ignored characters such as the soft hyphen), userinfo and port left out — and the
 * trailing root dots DNS ignores (`service.hubject.com.`) are dropped here.
 */
export function canonicalHost(url: URL): string {
  return url.hostname.toLowerCase().replace(/\.+$/, '');
}

export function isProductionHost(url: URL): boolean {
  return canonicalHost(url) === PRODUCTION_HOST;
}

/**
 * Checks the target URL: an http(s) origin, and never Hubject production unless explicitly allowed. The
 * host is compared by identity, not by spelling, so no other spelling of the production host passes.
 * Returns the base URL requests are built on (origin and path, no userinfo, no trailing slash).
 */
export function checkBaseUrl(raw: string, env: Env, where: Omit<InputProblem, 'message'>): string {
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
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

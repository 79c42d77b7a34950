import { createPrivateKey, X509Certificate } from 'node:crypto';
import path from 'node:path';
import tls from 'node:tls';
import type { TlsSettings } from '../exchange/types.ts';
import { InputError, type InputProblem } from '../input/errors.ts';
import { readInputFile } from '../input/read-file.ts';

/** Mutual-TLS material for the target, as paths (and the PFX passphrase as a value, never printed). */

type Env = Record<string, string | undefined>;

/** Where each setting can come from, for messages: the environment variable name. */
const ENV_NAMES = {
  clientCert: 'OICP_CLIENT_CERT',
  clientKey: 'OICP_CLIENT_KEY',
  pfx: 'OICP_CLIENT_PFX',
  passphrase: 'OICP_CLIENT_PASSPHRASE',
  caCert: 'OICP_CA_CERT',
} as const;

type PathSetting = 'clientCert' | 'clientKey' | 'pfx' | 'caCert';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** A host on this machine: localhost, 127.0.0.0/8 or [::1] (a URL's `hostname`; trailing root dots ignored). */
function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname.replace(/\.+$/, ''));
}

/** A plain-HTTP target on this machine (a local mock): no TLS, so no client certificate goes to it. */
export function isPlainHttpLoopback(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * Environment variables override the profile's `tls` block, setting by setting. Every file is read and
 * parsed here, before the first request: a missing file, a key that does not match its certificate or
 * a PFX with the wrong passphrase is a configuration error, not a failed handshake at 3 a.m.
 */
export function loadTlsSettings(
  profileTls: Partial<Omit<TlsSettings, 'insecure'>> & { insecure?: boolean },
  env: Env,
  baseUrl: string,
  profileFile: string,
): TlsSettings {
  const settings = chooseSettings(profileTls, env);
  const problems: InputProblem[] = [];
  const problem = reporter(problems, env, profileFile);
  checkCombination(settings, problem);
  checkClientCertificate(settings, problem);
  checkPfx(settings, problem);
  checkCaCertificate(settings, problem);
  const unverifiedRemote = insecureElsewhere(settings, baseUrl, profileFile);
  if (unverifiedRemote) problems.push(unverifiedRemote);
  if (problems.length > 0) throw new InputError('TLS configuration error', problems);
  return settings;
}

/** Reports a problem with one setting, where it is set: its environment variable, else the profile's `tls` block. */
type Report = (key: keyof typeof ENV_NAMES, message: string) => void;

/** Each setting from its environment variable, else from the profile. */
function chooseSettings(
  profileTls: Partial<Omit<TlsSettings, 'insecure'>> & { insecure?: boolean },
  env: Env,
): TlsSettings {
  const pick = (key: keyof typeof ENV_NAMES) => env[ENV_NAMES[key]]?.trim() || profileTls[key] || undefined;
  return {
    clientCert: pick('clientCert'),
    clientKey: pick('clientKey'),
    pfx: pick('pfx'),
    passphrase: env.OICP_CLIENT_PASSPHRASE ?? profileTls.passphrase,
    caCert: pick('caCert'),
    insecure: profileTls.insecure ?? false,
  };
}

function reporter(problems: InputProblem[], env: Env, profileFile: string): Report {
  const where = (key: keyof typeof ENV_NAMES) => {
    const variable = ENV_NAMES[key];
    return env[variable]?.trim()
      ? { file: variable, field: variable }
      : { file: profileFile, field: `tls.${key}` };
  };
  return (key, message) => problems.push({ ...where(key), message });
}

/** A PFX or a PEM certificate and key, not both; never a certificate without its key, nor a key alone. */
function checkCombination(settings: TlsSettings, problem: Report): void {
  if (settings.pfx && (settings.clientCert || settings.clientKey)) {
    problem(
      'pfx',
      'give either a PFX (OICP_CLIENT_PFX) or a PEM certificate and key (OICP_CLIENT_CERT, OICP_CLIENT_KEY), not both',
    );
  }
  if (Boolean(settings.clientCert) !== Boolean(settings.clientKey)) {
    problem(
      settings.clientCert ? 'clientKey' : 'clientCert',
      'a client certificate needs both OICP_CLIENT_CERT and OICP_CLIENT_KEY',
    );
  }
}

/** The file a setting names, or undefined (not set, or not readable: reported). */
function readSetting(settings: TlsSettings, key: PathSetting, problem: Report): Buffer | undefined {
  const file = settings[key];
  if (!file) return undefined;
  try {
    // Guarded: a FIFO or a device named here must not hang the run.
    return readInputFile(path.resolve(file), ENV_NAMES[key]);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problem(key, `cannot read ${file}: ${error.problems[0]?.message ?? error.message}`);
    return undefined;
  }
}

/** The PEM certificate and key: readable, belonging together, the certificate not expired. */
function checkClientCertificate(settings: TlsSettings, problem: Report): void {
  const certPem = readSetting(settings, 'clientCert', problem);
  const keyPem = readSetting(settings, 'clientKey', problem);
  if (!certPem || !keyPem) return;
  try {
    const certificate = new X509Certificate(certPem);
    const key = createPrivateKey({ key: keyPem, passphrase: settings.passphrase });
    if (!certificate.checkPrivateKey(key))
      problem(
        'clientKey',
        `the key in ${settings.clientKey} does not belong to the certificate in ${settings.clientCert}`,
      );
    if (new Date(certificate.validTo) < new Date())
      problem('clientCert', `the certificate in ${settings.clientCert} expired on ${certificate.validTo}`);
  } catch (error) {
    problem(
      'clientCert',
      `cannot use ${settings.clientCert} / ${settings.clientKey}: ${describeCryptoError(error)}`,
    );
  }
}

/** The PFX opens with the passphrase given. */
function checkPfx(settings: TlsSettings, problem: Report): void {
  const pfx = readSetting(settings, 'pfx', problem);
  if (!pfx) return;
  try {
    tls.createSecureContext({ pfx, passphrase: settings.passphrase });
  } catch (error) {
    problem('pfx', `cannot open ${settings.pfx}: ${describeCryptoError(error)}`);
  }
}

function checkCaCertificate(settings: TlsSettings, problem: Report): void {
  const ca = readSetting(settings, 'caCert', problem);
  if (!ca) return;
  try {
    new X509Certificate(ca);
  } catch (error) {
    problem('caCert', `${settings.caCert} is not a PEM certificate: ${describeCryptoError(error)}`);
  }
}

/** Certificate verification switched off for a target that is not on this machine. */
function insecureElsewhere(
  settings: TlsSettings,
  baseUrl: string,
  profileFile: string,
): InputProblem | undefined {
  const host = new URL(baseUrl).hostname;
  if (!settings.insecure || isLoopbackHost(host)) return undefined;
  return {
    file: profileFile,
    field: 'tls.insecure',
    message: `certificate verification may only be switched off for a local target (localhost, 127.0.0.1), not ${host}`,
  };
}

function describeCryptoError(error: unknown): string {
  const message = (error as Error).message;
  if (/mac verify failure|bad decrypt|wrong password|unsupported/i.test(message))
    return 'wrong passphrase or unreadable file';
  if (/passphrase required|interrupted or cancelled/i.test(message))
    return 'the key is encrypted: set OICP_CLIENT_PASSPHRASE';
  return message;
}

function describeTls(settings: TlsSettings): string {
  const client = settings.pfx
    ? `client PFX ${settings.pfx}`
    : settings.clientCert
      ? `client certificate ${settings.clientCert}`
      : 'no client certificate';
  const trust = settings.caCert ? `, extra CA ${settings.caCert}` : '';
  return `${client}${trust}${settings.insecure ? ', server certificate NOT verified (local target)' : ''}`;
}

/**
 * The TLS line of the run header, or undefined when there is nothing to say: an https target names its
 * TLS material; a plain-HTTP local target of a profile that requires a client certificate says that the run
 * goes without one (`withoutClientCertificate`, set by loadProfile).
 */
export function describeTargetTls(profile: {
  baseUrl: string;
  tls: TlsSettings;
  withoutClientCertificate?: string;
}): string | undefined {
  if (profile.baseUrl.startsWith('https:')) return `TLS: ${describeTls(profile.tls)}`;
  if (profile.withoutClientCertificate) return `TLS: none — ${profile.withoutClientCertificate}`;
  return undefined;
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A throwaway PKI made with the openssl CLI when the self-tests start (tests/global-setup.ts) and removed when
 * they end: keys are never committed and live in a temp folder only for the run. Two CAs (the trusted one and
 * a stranger), a server certificate for 127.0.0.1/localhost and its variants, and client certificates whose
 * CN is an OperatorID, as Hubject issues them. The tests only read its files, so one serves them all: making
 * it costs some twenty openssl processes.
 */
export interface TestPki {
  dir: string;
  /** The CA that issued the server and the client certificates (PEM path). */
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** PEM certificate and key paths of a client issued by the trusted CA (or `other-ca` for `rogue`). */
  client(name: 'abc' | 'oth' | 'rogue'): { cert: string; key: string };
  /** The `abc` client as PFX, protected by `passphrase`. */
  pfx: string;
  /** The `abc` client's key encrypted with `passphrase`. */
  encryptedKey: string;
  passphrase: string;
  /**
   * A server certificate (key and cert paths) issued by the trusted CA with other properties: valid only in
   * the past (`expired`), only in the future (`future`), or for another host name (`wrong-host`).
   */
  serverVariant(kind: ServerVariant): { cert: string; key: string };
}

type ServerVariant = 'expired' | 'future' | 'wrong-host';

/** Where the global setup tells the workers the PKI is (TEST_*: never passed on to a conformance run). */
const PKI_VARIABLE = 'TEST_PKI_DIR';
/** The passphrase of the PFX and the encrypted key, beside them. */
const PASSPHRASE_FILE = 'passphrase.txt';

const run = promisify(execFile);

// Arguments never contain spaces here, so a command line reads better than an array.
async function openssl(dir: string, commandLine: string): Promise<void> {
  await run('openssl', commandLine.split(' '), { cwd: dir });
}

const EC_KEY = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';

function makeCa(dir: string, name: string): Promise<void> {
  return openssl(
    dir,
    `req -x509 ${EC_KEY} -keyout ${name}.key -out ${name}.crt -days 1 -subj /CN=${name} ` +
      '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign',
  );
}

/** Leaves are signed at the same time: each names its own serial (a shared serial file would be raced for). */
async function makeLeaf(
  dir: string,
  name: string,
  commonName: string,
  ca: string,
  extensions: string,
): Promise<void> {
  fs.writeFileSync(path.join(dir, `${name}.ext`), `${extensions}\n`);
  await openssl(dir, `req -new ${EC_KEY} -keyout ${name}.key -out ${name}.csr -subj /CN=${commonName}`);
  await openssl(
    dir,
    `x509 -req -in ${name}.csr -CA ${ca}.crt -CAkey ${ca}.key -set_serial 0x${randomBytes(8).toString('hex')} ` +
      `-out ${name}.crt -days 1 -extfile ${name}.ext`,
  );
}

/** `openssl ca`, which (unlike `x509 -req` in OpenSSL 3.0) can set any validity period. */
async function signWithDates(
  dir: string,
  name: string,
  commonName: string,
  san: string,
  start: string,
  end: string,
): Promise<void> {
  fs.writeFileSync(
    path.join(dir, `${name}.cnf`),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `database = ${name}.index`,
      'new_certs_dir = .',
      `serial = ${name}.serial`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '[ext]',
      `subjectAltName = ${san}`,
      'extendedKeyUsage = serverAuth',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, `${name}.index`), '');
  fs.writeFileSync(path.join(dir, `${name}.serial`), `${randomBytes(8).toString('hex')}\n`);
  await openssl(dir, `req -new ${EC_KEY} -keyout ${name}.key -out ${name}.csr -subj /CN=${commonName}`);
  await openssl(
    dir,
    `ca -batch -config ${name}.cnf -cert trusted-ca.crt -keyfile trusted-ca.key -in ${name}.csr -out ${name}.crt ` +
      `-startdate ${start} -enddate ${end} -extensions ext`,
  );
}

const LOCALHOST = 'IP:127.0.0.1,DNS:localhost';

/** Makes the PKI in a new temp folder, the independent openssl commands side by side; returns the folder. */
async function makePki(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-pki-'));
  const passphrase = `pass-${randomBytes(6).toString('hex')}`;
  fs.writeFileSync(path.join(dir, PASSPHRASE_FILE), passphrase);
  await Promise.all([makeCa(dir, 'trusted-ca'), makeCa(dir, 'other-ca')]);
  const server = `subjectAltName=${LOCALHOST}\nextendedKeyUsage=serverAuth`;
  await Promise.all([
    makeLeaf(dir, 'server', 'localhost', 'trusted-ca', server),
    makeLeaf(dir, 'client-abc', 'DE*ABC', 'trusted-ca', 'extendedKeyUsage=clientAuth').then(() =>
      Promise.all([
        openssl(
          dir,
          `pkcs12 -export -in client-abc.crt -inkey client-abc.key -out client-abc.pfx -passout pass:${passphrase}`,
        ),
        openssl(dir, `pkey -in client-abc.key -out client-abc.enc.key -aes256 -passout pass:${passphrase}`),
      ]),
    ),
    makeLeaf(dir, 'client-oth', 'DE*OTH', 'trusted-ca', 'extendedKeyUsage=clientAuth'),
    makeLeaf(dir, 'client-rogue', 'DE*ABC', 'other-ca', 'extendedKeyUsage=clientAuth'),
    signWithDates(dir, 'server-expired', 'localhost', LOCALHOST, '20200101000000Z', '20200102000000Z'),
    signWithDates(dir, 'server-future', 'localhost', LOCALHOST, '20991231000000Z', '21000101000000Z'),
    signWithDates(
      dir,
      'server-wrong-host',
      'other.example',
      'DNS:other.example',
      '20200101000000Z',
      '20991231000000Z',
    ),
  ]);
  return dir;
}

/** For the global setup: makes the run's PKI and names it to the workers; returns how to remove it. */
export async function provideTestPki(): Promise<() => void> {
  const dir = await makePki();
  process.env[PKI_VARIABLE] = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

/** The self-tests' PKI, made by their global setup (tests/playwright.config.ts). Read it; never change it. */
export function testPki(): TestPki {
  const dir = process.env[PKI_VARIABLE];
  if (!dir || !fs.existsSync(path.join(dir, PASSPHRASE_FILE)))
    throw new Error(
      `${PKI_VARIABLE} names no test PKI: run the self-tests with --config tests/playwright.config.ts, whose global setup makes it`,
    );
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    caCert: file('trusted-ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    client: (name) => ({ cert: file(`client-${name}.crt`), key: file(`client-${name}.key`) }),
    pfx: file('client-abc.pfx'),
    encryptedKey: file('client-abc.enc.key'),
    passphrase: fs.readFileSync(file(PASSPHRASE_FILE), 'utf8'),
    serverVariant: (kind) => ({ cert: file(`server-${kind}.crt`), key: file(`server-${kind}.key`) }),
  };
}

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PKI made at test time with the openssl CLI: keys are never committed and live in a temp
 * folder only for the run. Two CAs (the trusted one and a stranger), a server certificate for
 * 127.0.0.1/localhost, and client certificates whose CN is an OperatorID, as Hubject issues them.
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
  serverVariant(kind: 'expired' | 'future' | 'wrong-host'): { cert: string; key: string };
  remove(): void;
}

/** `openssl ca`, which (unlike `x509 -req` in OpenSSL 3.0) can set any validity period. */
function signWithDates(
  dir: string,
  name: string,
  commonName: string,
  san: string,
  start: string,
  end: string,
): void {
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
  fs.writeFileSync(path.join(dir, `${name}.serial`), '01\n');
  openssl(dir, `req -new ${EC_KEY} -keyout ${name}.key -out ${name}.csr -subj /CN=${commonName}`);
  openssl(
    dir,
    `ca -batch -config ${name}.cnf -cert trusted-ca.crt -keyfile trusted-ca.key -in ${name}.csr -out ${name}.crt ` +
      `-startdate ${start} -enddate ${end} -extensions ext`,
  );
}

// Arguments never contain spaces here, so a command line reads better than an array.
function openssl(dir: string, commandLine: string): void {
  execFileSync('openssl', commandLine.split(' '), { cwd: dir, stdio: 'pipe' });
}

const EC_KEY = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';

function makeCa(dir: string, name: string): void {
  openssl(
    dir,
    `req -x509 ${EC_KEY} -keyout ${name}.key -out ${name}.crt -days 1 -subj /CN=${name} ` +
      '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign',
  );
}

function makeLeaf(dir: string, name: string, commonName: string, ca: string, extensions: string): void {
  fs.writeFileSync(path.join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(dir, `req -new ${EC_KEY} -keyout ${name}.key -out ${name}.csr -subj /CN=${commonName}`);
  openssl(
    dir,
    `x509 -req -in ${name}.csr -CA ${ca}.crt -CAkey ${ca}.key -CAcreateserial -out ${name}.crt -days 1 ` +
      `-extfile ${name}.ext`,
  );
}

export function makePki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-pki-'));
  const passphrase = `pass-${Math.random().toString(36).slice(2, 12)}`;
  makeCa(dir, 'trusted-ca');
  makeCa(dir, 'other-ca');
  makeLeaf(
    dir,
    'server',
    'localhost',
    'trusted-ca',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth',
  );
  makeLeaf(dir, 'client-abc', 'DE*ABC', 'trusted-ca', 'extendedKeyUsage=clientAuth');
  makeLeaf(dir, 'client-oth', 'DE*OTH', 'trusted-ca', 'extendedKeyUsage=clientAuth');
  makeLeaf(dir, 'client-rogue', 'DE*ABC', 'other-ca', 'extendedKeyUsage=clientAuth');
  openssl(
    dir,
    `pkcs12 -export -in client-abc.crt -inkey client-abc.key -out client-abc.pfx -passout pass:${passphrase}`,
  );
  openssl(dir, `pkey -in client-abc.key -out client-abc.enc.key -aes256 -passout pass:${passphrase}`);
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    caCert: file('trusted-ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    client: (name) => ({ cert: file(`client-${name}.crt`), key: file(`client-${name}.key`) }),
    pfx: file('client-abc.pfx'),
    encryptedKey: file('client-abc.enc.key'),
    passphrase,
    serverVariant: (kind) => {
      const name = `server-${kind}`;
      if (!fs.existsSync(file(`${name}.crt`))) {
        const localhost = 'IP:127.0.0.1,DNS:localhost';
        if (kind === 'expired')
          signWithDates(dir, name, 'localhost', localhost, '20200101000000Z', '20200102000000Z');
        if (kind === 'future')
          signWithDates(dir, name, 'localhost', localhost, '20991231000000Z', '21000101000000Z');
        if (kind === 'wrong-host')
          signWithDates(
            dir,
            name,
            'other.example',
            'DNS:other.example',
            '20200101000000Z',
            '20991231000000Z',
          );
      }
      return { cert: file(`${name}.crt`), key: file(`${name}.key`) };
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

import { makePki, type TestPki } from './pki.ts';

let shared: TestPki | undefined;

/**
 * One throwaway PKI (tests/support/pki.ts) per worker process, for the tests that only read its files: the
 * openssl CLI takes about a second to make one, and every test file of a worker gets the same. Removed when
 * the worker ends.
 */
export function sharedPki(): TestPki {
  if (!shared) {
    const pki = makePki();
    process.once('exit', () => pki.remove());
    shared = pki;
  }
  return shared;
}

import type { Redactor } from '../redact.ts';
import type { PreparedRequest } from './types.ts';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A curl command that reproduces the request. Secrets are masked, and the TLS options are placeholders:
 * the reader fills in their own certificate paths.
 */
export function curlCommand(request: PreparedRequest, redactor: Redactor): string {
  const lines = [`curl --request ${request.method} ${shellQuote(request.url)}`];
  if (request.url.startsWith('https:')) {
    lines.push('  --cert "$OICP_CLIENT_CERT" --key "$OICP_CLIENT_KEY"', '  --cacert "$OICP_CA_CERT"');
  }
  // Headers through the one masking of evidence headers: credentials by name, secrets in any value.
  for (const [name, value] of Object.entries(redactor.headers(request.headers)))
    lines.push(`  --header ${shellQuote(`${name}: ${value}`)}`);
  // The exact bytes that were sent (a raw body may hold duplicate keys on purpose), secrets masked.
  lines.push(`  --data-raw ${shellQuote(redactor.text(request.bodyText))}`);
  return `${lines.join(' \\\n')}\n`;
}

import type { PreparedRequest } from '../exchange/types.ts';
import type { Redactor } from '../redact.ts';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A curl command that reproduces the request. Secrets are masked, and the TLS options are placeholders:
 * the reader fills in their own certificate paths.
 */
export function curlCommand(request: PreparedRequest, redactor: Redactor): string {
  const body =
    request.bodyJson === undefined ? request.bodyText : JSON.stringify(redactor.json(request.bodyJson));
  const lines = [`curl --request ${request.method} ${shellQuote(request.url)}`];
  if (request.url.startsWith('https:')) {
    lines.push('  --cert "$OICP_CLIENT_CERT" --key "$OICP_CLIENT_KEY"', '  --cacert "$OICP_CA_CERT"');
  }
  for (const [name, value] of Object.entries(request.headers))
    lines.push(`  --header ${shellQuote(`${name}: ${value}`)}`);
  lines.push(`  --data-raw ${shellQuote(redactor.text(body))}`);
  return `${lines.join(' \\\n')}\n`;
}

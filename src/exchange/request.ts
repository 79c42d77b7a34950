import { isUtf8 } from 'node:buffer';
import type { Scenario } from '../scenarios/types.ts';
import { AUTHORIZE_START_PATH, type HttpAnswer, type PreparedRequest, type ReceivedAnswer } from './types.ts';

/** Names the suite in the target's logs, so that a target's operator can tell our requests apart. */
const USER_AGENT = 'oicp-authorize-start-conformance';

/**
 * The operation's URL: the base URL, the operation path (the profile's `operationPath`, default
 * `/api/oicp/charging/v21`, already checked by the profile) and `/operators/{operatorID}/authorize/start`.
 */
export function operationUrl(baseUrl: string, operatorId: string, operationPath?: string): string {
  const path =
    operationPath === undefined
      ? AUTHORIZE_START_PATH
      : `${operationPath.replace(/\/+$/, '')}${AUTHORIZE_START_PATH.slice(AUTHORIZE_START_PATH.indexOf('/operators/'))}`;
  return baseUrl + path.replace('{operatorID}', encodeURIComponent(operatorId));
}

/** Builds the wire request of a resolved scenario: JSON bodies are serialised as written, raw bodies verbatim. */
export function prepareRequest(scenario: Scenario, baseUrl: string, operationPath?: string): PreparedRequest {
  const { request } = scenario;
  const bodyText = request.rawBody ?? JSON.stringify(request.body);
  let bodyJson: unknown;
  try {
    bodyJson = request.rawBody === undefined ? request.body : JSON.parse(request.rawBody);
  } catch {
    bodyJson = undefined;
  }
  return {
    method: 'POST',
    url: operationUrl(baseUrl, request.operatorId, operationPath),
    headers: {
      'Content-Type': request.contentType ?? 'application/json',
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
    },
    bodyText,
    bodyJson,
  };
}

/**
 * The deepest nesting of arrays and objects a JSON answer may have. An AuthorizeStart answer is five
 * levels deep; a body nested thousands of levels deep is hostile and would overflow the stack of any
 * recursive code that walks it, so it is judged "not JSON we can read" with the depth named.
 */
export const MAX_JSON_DEPTH = 64;

/** Decodes the body as UTF-8 (what OICP answers are) and parses JSON once, keeping the parse error. */
export function decodeAnswer(answer: HttpAnswer): ReceivedAnswer {
  const bodyText = answer.body.toString('utf8');
  const received: ReceivedAnswer = {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
    bodyText,
    utf8: isUtf8(answer.body),
    raw: answer.body,
    ...(answer.headersAfterMs === undefined ? {} : { headersAfterMs: answer.headersAfterMs }),
    ...(answer.incomplete ? { incomplete: answer.incomplete } : {}),
  };
  if (answer.incomplete) {
    received.jsonError = `the body is incomplete: ${answer.incomplete.detail}`;
    return received;
  }
  if (bodyText.trim() === '') {
    received.jsonError = 'the body is empty';
    return received;
  }
  const depth = jsonNestingDepth(bodyText);
  if (depth > MAX_JSON_DEPTH) {
    received.jsonError = `the body is nested ${depth} levels deep (more than ${MAX_JSON_DEPTH}): not read as JSON`;
    return received;
  }
  try {
    received.json = JSON.parse(bodyText);
  } catch (error) {
    received.jsonError = (error as Error).message;
  }
  return received;
}

/** The deepest bracket nesting of a JSON text, brackets inside strings not counted (no parse, no recursion). */
function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

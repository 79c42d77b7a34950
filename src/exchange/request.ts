import { isUtf8 } from 'node:buffer';
import type { Scenario } from '../scenarios/types.ts';
import { AUTHORIZE_START_PATH, type HttpAnswer, type PreparedRequest, type ReceivedAnswer } from './types.ts';

export function operationUrl(baseUrl: string, operatorId: string): string {
  return baseUrl + AUTHORIZE_START_PATH.replace('{operatorID}', encodeURIComponent(operatorId));
}

/** Builds the wire request of a resolved scenario: JSON bodies are serialised as written, raw bodies verbatim. */
export function prepareRequest(scenario: Scenario, baseUrl: string): PreparedRequest {
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
    url: operationUrl(baseUrl, request.operatorId),
    headers: { 'Content-Type': request.contentType ?? 'application/json', Accept: 'application/json' },
    bodyText,
    bodyJson,
  };
}

/** Decodes the body as UTF-8 (what OICP answers are) and parses JSON once, keeping the parse error. */
export function decodeAnswer(answer: HttpAnswer): ReceivedAnswer {
  const bodyText = answer.body.toString('utf8');
  const received: ReceivedAnswer = {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
    bodyText,
    utf8: isUtf8(answer.body),
  };
  if (bodyText.trim() === '') {
    received.jsonError = 'the body is empty';
    return received;
  }
  try {
    received.json = JSON.parse(bodyText);
  } catch (error) {
    received.jsonError = (error as Error).message;
  }
  return received;
}

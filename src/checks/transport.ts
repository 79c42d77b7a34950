import { bodyFinding, type JudgedBody, judgedBody } from './answer-kind.ts';
import type { Check } from './check.ts';
import { CheckFailure, show } from './check.ts';

const UTF8_SOURCE =
  "OICP 2.3 CPO, 01 Communication Paradigms, REST: every message MUST use UTF-8; Hubject's authorization API export produces application/json;charset=UTF-8";

export const httpStatusAsExpected: Check = {
  name: 'httpStatusAsExpected',
  title: 'The HTTP status is the one the scenario expects',
  verdict: 'failure',
  category: 'status',
  source:
    "the scenario's expectation and its basis; AuthorizeStart answers HTTP 200 (OICP 2.3 OpenAPI), 400 with a FaultBody, 401 and 404 with an OicpERoamingFault, 500 (Hubject's authorization API export)",
  expectation: 'status',
  appliesTo: (ex) => ex.answer !== undefined,
  verify(ex) {
    const answer = ex.answer;
    if (!answer || answer.status === ex.scenario.expect.status) return;
    const location = answer.headers.location;
    throw new CheckFailure(this, {
      expected: `HTTP ${ex.scenario.expect.status}`,
      received: `HTTP ${answer.status} ${answer.statusText} (${answer.headers['content-type'] ?? 'no content type'}): ${show(answer.bodyText, 200)}`,
      hint:
        answer.status >= 300 && answer.status < 400
          ? `a redirect${location ? ` to ${show(location)}` : ' without a Location header'}: redirects are never followed, so that the request, its PINs and the client certificate only ever go to the configured target; if the target has moved, set OICP_BASE_URL`
          : undefined,
    });
  },
};

/** Hubject declares error answers as ISO-8859-1 (docs/errata.md E-15). */
const ISO_8859_1 = /^(iso-8859-1|latin1)$/i;

export const contentTypeIsJsonUtf8: Check = {
  name: 'contentTypeIsJsonUtf8',
  title: 'The answer is declared as JSON in UTF-8 (application/json, charset utf-8 when given)',
  verdict: 'failure',
  category: 'protocol',
  source: `${UTF8_SOURCE} (known Hubject deviation on error answers: docs/errata.md E-15)`,
  statements: ['utf8-messages', 'export-produces-utf8'],
  // Every answer whose status has a documented JSON message (or whose expected body is JSON) is judged.
  appliesTo: (ex) => judgedBody(ex)?.mustBeJson === true && (ex.answer?.bodyText.length ?? 0) > 0,
  verify(ex) {
    const answer = ex.answer;
    const judged = judgedBody(ex) as JudgedBody;
    const header = answer?.headers['content-type'];
    const [mediaType = '', ...parameters] = (header ?? '').split(';').map((part) => part.trim());
    const charset = parameters
      .find((p) => /^charset=/i.test(p))
      ?.slice('charset='.length)
      .replace(/"/g, '');
    const problems: string[] = [];
    const isJson = mediaType.toLowerCase() === 'application/json';
    if (!isJson) problems.push(`media type ${mediaType || '(none)'}`);
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') problems.push(`charset ${charset}`);
    if (answer && !answer.utf8) problems.push('the body is not valid UTF-8');
    if (problems.length === 0) return;
    // JSON declared in ISO-8859-1 on an error answer is what Hubject itself sends: E-15, and nothing else.
    const knownDeviation =
      isJson && charset !== undefined && ISO_8859_1.test(charset) && (answer?.status ?? 0) >= 400;
    const expected = 'Content-Type application/json (charset utf-8 if a charset is given), a UTF-8 body';
    const received = `Content-Type ${show(header)}: ${problems.join(', ')}`;
    throw new CheckFailure(this, {
      expected,
      received,
      deviation: knownDeviation ? 'E-15' : undefined,
      ...bodyFinding(judged, expected, received),
    });
  },
};

export const bodyIsJson: Check = {
  name: 'bodyIsJson',
  title: 'The answer body is JSON (the message of its HTTP status)',
  verdict: 'failure',
  category: 'protocol',
  source:
    "OICP 2.3 eRoamingAuthorizeStart answers are JSON (OpenAPI: application/json); so are the error bodies of Hubject's authorization API export (400, 401, 404, 500)",
  statements: [
    'openapi-200-authorization-start',
    'export-400-fault-body',
    'export-401-fault',
    'export-404-fault',
  ],
  appliesTo: (ex) => judgedBody(ex)?.mustBeJson === true,
  verify(ex) {
    const answer = ex.answer;
    if (!answer || answer.json !== undefined) return;
    const judged = judgedBody(ex) as JudgedBody;
    const expected = `a JSON body (${judged.kind})`;
    const received = `${answer.jsonError ?? 'not JSON'} — HTTP ${answer.status}, ${answer.headers['content-type'] ?? 'no content type'}, body starts ${show(answer.bodyText.slice(0, 200))}`;
    throw new CheckFailure(this, { expected, received, ...bodyFinding(judged, expected, received) });
  },
};

export const answerBodyComplete: Check = {
  name: 'answerBodyComplete',
  title: 'The answer body arrives whole, decodable and within the size limit',
  verdict: 'failure',
  category: 'transport',
  source:
    "the suite's answer size limit (profile maxAnswerBytes, default 1 MiB: an AuthorizeStart answer is a few hundred bytes); HTTP/1.1 message framing (RFC 9112)",
  appliesTo: (ex) => ex.answer !== undefined,
  verify(ex) {
    const incomplete = ex.answer?.incomplete;
    // A body still arriving when the budget ran out is the time budget's finding (answeredWithinBudget).
    if (!incomplete || incomplete.reason === 'timeout') return;
    throw new CheckFailure(this, {
      expected:
        incomplete.reason === 'too-large'
          ? `an answer body of at most ${ex.maxAnswerBytes} bytes`
          : 'a complete answer body',
      received: `${incomplete.detail}; HTTP ${ex.answer?.status}, ${ex.answer?.headers['content-type'] ?? 'no content type'}, the first bytes are attached (response.json)`,
    });
  },
};

export const answeredWithinBudget: Check = {
  name: 'answeredWithinBudget',
  title: 'The answer arrives within the time budget',
  verdict: 'failure',
  category: 'transport',
  source:
    'the suite\'s own time budget for one answer, network included (profile timeBudgetMs or OICP_TIME_BUDGET_MS, default 10 s), set after Hubject\'s timeouts; OICP states no answer time for AuthorizeStart (its "within 10 seconds" is written for eRoamingAuthorizeRemoteStart)',
  appliesTo: () => true,
  verify(ex) {
    if (ex.answer && ex.answer.incomplete?.reason !== 'timeout' && ex.elapsedMs <= ex.timeBudgetMs) return;
    const received = !ex.answer
      ? `no answer after ${Math.round(ex.elapsedMs)} ms (request abandoned; not even the status line arrived)`
      : ex.answer.incomplete?.reason === 'timeout'
        ? `an incomplete answer: ${ex.answer.incomplete.detail} (request abandoned)`
        : `an answer after ${Math.round(ex.elapsedMs)} ms`;
    throw new CheckFailure(this, { expected: `an answer within ${ex.timeBudgetMs} ms`, received });
  },
};

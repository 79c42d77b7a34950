import type { Check } from './check.ts';
import { CheckFailure, show } from './check.ts';

const HTTP_SOURCE =
  'OICP 2.3 eRoamingAuthorizeStart: responses are application/json;charset=UTF-8 (DESIGN §5–6)';

export const httpStatusAsExpected: Check = {
  name: 'httpStatusAsExpected',
  title: 'The HTTP status is the one the scenario expects',
  verdict: 'failure',
  category: 'status',
  source: 'the scenario expectation; OICP 2.3 eRoamingAuthorizeStart responses (200, 400, 401, 404)',
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

export const contentTypeIsJsonUtf8: Check = {
  name: 'contentTypeIsJsonUtf8',
  title: 'The answer is declared as JSON in UTF-8 (application/json, charset utf-8 when given)',
  verdict: 'failure',
  category: 'protocol',
  source: HTTP_SOURCE,
  appliesTo: (ex) => ex.answer !== undefined && ex.answer.bodyText.length > 0,
  verify(ex) {
    const header = ex.answer?.headers['content-type'];
    const [mediaType = '', ...parameters] = (header ?? '').split(';').map((part) => part.trim());
    const charset = parameters
      .find((p) => /^charset=/i.test(p))
      ?.slice('charset='.length)
      .replace(/"/g, '');
    const problems: string[] = [];
    if (mediaType.toLowerCase() !== 'application/json') problems.push(`media type ${mediaType || '(none)'}`);
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') problems.push(`charset ${charset}`);
    if (ex.answer && !ex.answer.utf8) problems.push('the body is not valid UTF-8');
    if (problems.length === 0) return;
    throw new CheckFailure(this, {
      expected: 'Content-Type application/json (charset utf-8 if a charset is given), a UTF-8 body',
      received: `Content-Type ${show(header)}: ${problems.join(', ')}`,
    });
  },
};

export const bodyIsJson: Check = {
  name: 'bodyIsJson',
  title: 'The answer body is JSON',
  verdict: 'failure',
  category: 'protocol',
  source: HTTP_SOURCE,
  appliesTo: (ex) => ex.answer !== undefined && ex.scenario.expect.body !== 'any',
  verify(ex) {
    const answer = ex.answer;
    if (!answer || answer.json !== undefined) return;
    throw new CheckFailure(this, {
      expected: 'a JSON body',
      received: `${answer.jsonError ?? 'not JSON'} — HTTP ${answer.status}, ${answer.headers['content-type'] ?? 'no content type'}, body starts ${show(answer.bodyText.slice(0, 200))}`,
    });
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
  source: 'OICP 2.3: an answer within 10 s including the network; the profile sets the budget (timeBudgetMs)',
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

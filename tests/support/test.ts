// The suite's own tests run on Playwright's base test. @playwright/test's `test` sets up some thirty browser
// options (viewport, locale, trace recording …) around every test, each a step with a captured stack trace:
// most of the time of a unit test. None of these tests asks for a page; those that open a browser launch it.
export { _baseTest as test, expect } from '@playwright/test';

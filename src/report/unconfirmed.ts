/** The category's words, shared by the console summary and the Allure report (allurerc.mjs). */
export const UNCONFIRMED_TITLE = 'Expectation not confirmed by this target';

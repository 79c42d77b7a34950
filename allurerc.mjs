// Allure 3 report configuration (npm run conformance generates the report with it).
export default {
  name: 'OICP 2.3 eRoamingAuthorizeStart conformance',
  output: './reports/allure-report',
  plugins: {
    awesome: {
      options: {
        reportName: 'OICP 2.3 eRoamingAuthorizeStart conformance',
        singleFile: false,
        reportLanguage: 'en',
        groupBy: ['epic', 'feature', 'story'],
      },
    },
  },
};

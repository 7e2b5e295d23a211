// `make preview`: render the main pages in a demo state to HTML (then PNG, scripts/preview.js).
const base = require('./jest.config.js')
module.exports = Object.assign({}, base, {
  roots: ['<rootDir>/test'],
  testMatch: ['**/preview/*.preview.ts'],
  testTimeout: 60000,
})

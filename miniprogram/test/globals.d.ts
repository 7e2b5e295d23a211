// Type-checking the tests: the mini-program typings clash with DOM/node ones, so the tests (and
// the utils they import) see `wx` as the shim's loose type; tsconfig.json checks the app itself.
declare const wx: any
declare const getApp: any
declare const App: any
declare const Component: any

// jest + miniprogram-simulate against the real backend (see test/README.md)
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleDirectories: ['node_modules', 'miniprogram/miniprogram_npm'], // TDesign's dayjs etc.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.[tj]s$': ['ts-jest', { diagnostics: false }] },
  transformIgnorePatterns: ['/node_modules/(?!tdesign-miniprogram)'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/after-env.ts'],
  globalSetup: '<rootDir>/test/backend/start.js',
  globalTeardown: '<rootDir>/test/backend/stop.js',
  snapshotSerializers: ['miniprogram-simulate/jest-snapshot-plugin'],
  testTimeout: 30000,
}

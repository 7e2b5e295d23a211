// jest + miniprogram-simulate against the real backend (see test/README.md)
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // TDesign's own bundled packages (dayjs under tdesign-miniprogram/miniprogram_npm, used by
  // t-qrcode's locale) resolve as in WeChat: the nearest miniprogram_npm up the tree
  moduleDirectories: ['node_modules', 'miniprogram/miniprogram_npm', 'miniprogram_npm'],
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

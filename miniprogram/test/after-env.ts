// jest setupFilesAfterEnv: a fresh wx shim state (storage, recorders, network) for every test.
import { backendInfo } from './kit'

beforeEach(() => {
  const shim = (globalThis as any).wxShim
  shim.reset()
  shim.backend = backendInfo().baseUrl
  // the app's own debug override of the backend URL (utils/config.ts; ignored in release)
  shim.storage.set('gh.base_url', shim.backend)
})

afterEach(async () => {
  await (globalThis as any).wxShim.idle().catch(() => undefined)
})

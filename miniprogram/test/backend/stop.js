// jest globalTeardown: stop the backend started by start.js (its own process group only).
const fs = require('fs')

module.exports = async function globalTeardown() {
  const info = globalThis.__GONGHUI_BACKEND__
  if (!info) return
  try { process.kill(-info.pid, 'SIGTERM') } catch (e) { /* already gone */ }
  if (!process.env.GONGHUI_MP_KEEP) fs.rmSync(info.dir, { recursive: true, force: true })
}

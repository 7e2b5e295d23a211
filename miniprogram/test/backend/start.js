// jest globalSetup: start the REAL backend (Flask, fresh SQLite, demo data, bundled fake WeChat)
// on a free port; tests reach it through the wx shim. Python: $GONGHUI_PYTHON or ../.venv/bin/python.
const { spawn, execFileSync } = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const http = require('http')

const REPO = path.resolve(__dirname, '..', '..', '..')

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function ping(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.setTimeout(1000, () => {
      req.destroy()
      resolve(false)
    })
  })
}

module.exports = async function globalSetup() {
  const python = process.env.GONGHUI_PYTHON || path.join(REPO, '.venv', 'bin', 'python')
  if (!fs.existsSync(python)) {
    throw new Error(`mini-program tests need the backend's Python: ${python} not found (set GONGHUI_PYTHON)`)
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gonghui-mp-'))
  const port = await freePort()
  const env = Object.assign({}, process.env, {
    GONGHUI_ENV: 'test',
    DATABASE_URL: `sqlite:///${path.join(dir, 'gonghui.db')}`,
    FILE_STORAGE: 'local',
    FILE_STORAGE_DIR: path.join(dir, 'files'),
    FLASK_APP: 'app:create_app',
    PYTHONPATH: REPO + (process.env.PYTHONPATH ? path.delimiter + process.env.PYTHONPATH : ''),
    REDIS_URL: '',
    WECHAT_API_BASE: '',
  })
  delete env.WECHAT_API_BASE
  delete env.REDIS_URL
  const run = (args) => execFileSync(python, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    // the Chinese catalogs (.mo are not in git; `make` compiles them too)
    const tdir = path.join(REPO, 'app', 'translations')
    for (const lang of fs.readdirSync(tdir)) {
      const po = path.join(tdir, lang, 'LC_MESSAGES', 'messages.po')
      const mo = po.replace(/\.po$/, '.mo')
      if (fs.existsSync(po) && (!fs.existsSync(mo) || fs.statSync(mo).mtimeMs < fs.statSync(po).mtimeMs)) {
        run(['-m', 'babel.messages.frontend', 'compile', '-i', po, '-o', mo])
      }
    }
    run(['-m', 'flask', 'db', 'upgrade'])
    run(['-m', 'flask', 'gonghui', 'demo-data'])
    run([path.join(__dirname, 'fixtures.py'), path.join(dir, 'fixtures.json')])
  } catch (e) {
    throw new Error(`backend setup failed: ${e.message}\n${e.stderr ? e.stderr.toString().slice(-3000) : ''}`)
  }
  const log = fs.openSync(path.join(dir, 'server.log'), 'w')
  const child = spawn(python, ['-m', 'flask', 'gonghui', 'dev-server', '--port', String(port)], {
    cwd: REPO, env, stdio: ['ignore', log, log], detached: true,
  })
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30000
  while (!(await ping(`${baseUrl}/healthz`))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      try { process.kill(-child.pid) } catch (e) { /* gone */ }
      throw new Error(`backend did not start:\n${fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-3000)}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  const info = { baseUrl, dir, pid: child.pid, fixtures: JSON.parse(fs.readFileSync(path.join(dir, 'fixtures.json'), 'utf8')) }
  const infoFile = path.join(dir, 'backend.json')
  fs.writeFileSync(infoFile, JSON.stringify(info))
  process.env.GONGHUI_MP_BACKEND = infoFile
  globalThis.__GONGHUI_BACKEND__ = info
}

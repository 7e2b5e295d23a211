#!/usr/bin/env node
// Emulates DevTools "构建 npm": copies each dependency's miniprogram_dist into
// miniprogram/miniprogram_npm/<name> (idempotent; skipped when already up to date).
const fs = require('fs')
const path = require('path')

const root = path.resolve(__dirname, '..')
const pkg = require(path.join(root, 'package.json'))
const target = path.join(root, 'miniprogram', 'miniprogram_npm')

for (const name of Object.keys(pkg.dependencies || {})) {
  const modDir = path.join(root, 'node_modules', name)
  const dist = path.join(modDir, 'miniprogram_dist')
  if (!fs.existsSync(dist)) {
    console.error(`copy-npm: ${name} is not installed (run npm ci in miniprogram/)`)
    process.exit(1)
  }
  const version = require(path.join(modDir, 'package.json')).version
  const out = path.join(target, name)
  const stamp = path.join(out, '.copied-version')
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === version) continue
  fs.rmSync(out, { recursive: true, force: true })
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.cpSync(dist, out, { recursive: true })
  fs.writeFileSync(stamp, version)
  console.log(`copy-npm: ${name}@${version} → miniprogram/miniprogram_npm/${name}`)
}

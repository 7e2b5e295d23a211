#!/usr/bin/env node
// `make preview`: jest renders the main pages to preview/*.html (test/preview/pages.preview.ts),
// then headless Chromium takes a 375×812 picture of each at 2× → preview/*.png (not in git).
const { execFileSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const root = path.resolve(__dirname, '..')
const out = path.join(root, 'preview')
const chromium = process.env.CHROMIUM ||
  ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p))
if (!chromium) {
  console.error('preview: no Chromium found (install Debian\'s chromium and fonts-wqy-microhei, or set CHROMIUM)')
  process.exit(2)
}
fs.rmSync(out, { recursive: true, force: true })
execFileSync(path.join(root, 'node_modules', '.bin', 'jest'),
  ['--runInBand', '--config', 'jest.preview.config.js'], { cwd: root, stdio: 'inherit' })

const profile = fs.mkdtempSync(path.join(require('os').tmpdir(), 'gonghui-preview-'))
const pages = fs.readdirSync(out).filter((f) => f.endsWith('.html')).sort()
for (const f of pages) {
  const png = path.join(out, f.replace(/\.html$/, '.png'))
  execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--hide-scrollbars', `--user-data-dir=${profile}`, '--window-size=375,812',
    '--force-device-scale-factor=2', `--screenshot=${png}`, 'file://' + path.join(out, f),
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  console.log(`preview: ${path.relative(process.cwd(), png)}`)
}
fs.rmSync(profile, { recursive: true, force: true })
console.log(`preview: ${pages.length} pages in ${path.relative(process.cwd(), out)}/`)

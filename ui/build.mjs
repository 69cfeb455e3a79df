// `npm run build -w ui`, also run by the root `prepare` script on every `npm install` / `npm ci`.
// An install that cannot build (dev dependencies omitted, or only package.json files copied yet, as in a Docker
// layer) must not fail: it says why and the node serves a page explaining how to build. A real build error fails.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('.', import.meta.url))

if (!existsSync(new URL('src/main.ts', import.meta.url))) {
  console.log('ui: sources not present yet, web interface not built (run `npm run build -w ui` later)')
  process.exit(0)
}
let vite
try {
  vite = await import('vite')
} catch {
  console.log('ui: vite is not installed (dev dependencies omitted), web interface not built; run `npm install` then `npm run build -w ui`')
  process.exit(0)
}
await vite.build({ root, logLevel: 'warn' })
console.log('ui: web interface built into ui/dist')

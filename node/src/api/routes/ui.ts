import { createReadStream, existsSync, statSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Context } from 'koa'
import type { ApiRouter } from '../app.ts'

/** Where `npm run build -w ui` writes the web interface (run by `npm install` through the root `prepare` script). */
export const UI_DIST_DIR = fileURLToPath(new URL('../../../../ui/dist/', import.meta.url))

/** Vite names files under assets/ by content hash: they never change, so browsers may keep them for a year. */
const HASHED_ASSET_MAX_AGE_S = 365 * 24 * 60 * 60

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/** The app loads only its own files and talks only to this node. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ')

/**
 * Serves the built web interface: files from ui/dist, and index.html for every other non-API path so that the
 * app's own addresses (/suche, /fragen …) survive a reload. Without a build, a small page says how to make one.
 */
export function uiRoutes(router: ApiRouter, distDir: string = UI_DIST_DIR): void {
  const root = resolve(distDir)
  const index = join(root, 'index.html')

  router.get('/{*path}', async (ctx, next) => {
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) return next()
    if (!existsSync(index)) {
      if (ctx.path !== '/') return next()
      ctx.type = 'html'
      ctx.set('Cache-Control', 'no-cache')
      ctx.body = PLACEHOLDER
      return
    }
    let relative: string
    try {
      relative = decodeURIComponent(ctx.path)
    } catch {
      return next()
    }
    const file = resolve(root, `.${relative}`)
    // Never outside ui/dist, whatever the path says.
    if (file !== root && !file.startsWith(root + sep)) return next()
    if (file !== root && isFile(file)) {
      const hashed = file.startsWith(join(root, 'assets') + sep)
      send(ctx, file, hashed ? `public, max-age=${HASHED_ASSET_MAX_AGE_S}, immutable` : 'no-cache')
      return
    }
    // A missing file with an extension is a broken link, not an app address: answer 404, not the app.
    if (extname(relative) !== '') return next()
    send(ctx, index, 'no-cache')
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    ctx.set('Referrer-Policy', 'same-origin')
    ctx.set('X-Frame-Options', 'DENY')
  })
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function send(ctx: Context, file: string, cacheControl: string): void {
  const stat = statSync(file)
  ctx.set('Cache-Control', cacheControl)
  ctx.type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream'
  ctx.length = stat.size
  ctx.lastModified = stat.mtime
  ctx.body = createReadStream(file)
}

/** Shown when ui/dist is missing (installed with --ignore-scripts, or a fresh checkout without `npm install`). */
const PLACEHOLDER = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Wissensnetz</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}code{background:#eef1f5;padding:.1rem .3rem}</style></head>
<body><main><h1>Wissensnetz</h1><p>Der Knoten läuft, aber die Weboberfläche ist nicht gebaut.</p>
<p>Bauen Sie sie im Verzeichnis des Wissensnetzes mit <code>npm run build -w ui</code> (das erledigt auch <code>npm install</code>) und laden Sie diese Seite neu.</p>
<p>Die API antwortet schon: <a href="/api/status">/api/status</a>.</p></main></body></html>`

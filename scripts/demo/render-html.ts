import type { DocInfo } from './info.ts'
import { type Block, inlineRuns } from './markdown.ts'
import { xmlEscape } from './xml.ts'

function inline(text: string): string {
  return inlineRuns(text)
    .map((run) => (run.bold ? `<strong>${xmlEscape(run.text)}</strong>` : xmlEscape(run.text)))
    .join('')
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${inline(block.text)}</h${block.level}>`
    case 'paragraph':
      return `<p>${block.text.split('\n').map(inline).join('<br>\n')}</p>`
    case 'quote':
      return `<blockquote><p>${block.text.split('\n').map(inline).join('<br>\n')}</p></blockquote>`
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul'
      return `<${tag}>\n${block.items.map((item) => `  <li>${inline(item)}</li>`).join('\n')}\n</${tag}>`
    }
    case 'table': {
      const [head = [], ...rows] = block.rows
      const th = head.map((cell) => `<th>${inline(cell)}</th>`).join('')
      const trs = rows.map((row) => `    <tr>${row.map((cell) => `<td>${inline(cell)}</td>`).join('')}</tr>`).join('\n')
      return `<table>\n  <thead><tr>${th}</tr></thead>\n  <tbody>\n${trs}\n  </tbody>\n</table>`
    }
  }
}

/** An intranet page as a content management system would export it: header, main content, footer. */
export function renderHtml(blocks: Block[], info: DocInfo): Uint8Array {
  const html = `<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>${xmlEscape(info.title)}</title>
<meta name="author" content="${xmlEscape(info.author)}">
<meta name="date" content="${info.date}">
<style>
body { font-family: Arial, sans-serif; max-width: 50rem; margin: 2rem auto; line-height: 1.5; color: #222; }
header, footer { color: #555; font-size: 0.85rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #999; padding: 0.25rem 0.5rem; text-align: left; }
</style>
</head>
<body>
<header>${xmlEscape(info.issuer)} · Intranet</header>
<main>
${blocks.map(blockHtml).join('\n')}
</main>
<footer>Stand: ${germanDate(info.date)} · Verantwortlich: ${xmlEscape(info.author)}</footer>
</body>
</html>
`
  return new TextEncoder().encode(html)
}

export function germanDate(iso: string): string {
  const [year, month, day] = iso.split('-')
  return `${day}.${month}.${year}`
}

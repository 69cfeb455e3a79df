import type { ParsedDocument, TextBlock } from '../types.ts'
import { textToBlocks } from './sections.ts'
import { decodeText } from './text.ts'

const ATX_HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)\s*$/
const FENCE = /^ {0,3}(```|~~~)/
const THEMATIC_BREAK = /^ {0,3}([-*_])(\s*\1){2,}\s*$/
const TABLE_ROW = /^\s*\|.*\|\s*$/
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/

/** Drops inline markup that would only add noise to search: emphasis, code ticks, link targets, images. */
export function stripInline(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\p{L}\d])[*_](\S.*?)[*_](?=$|[^\p{L}\d])/gu, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
}

export async function parseMarkdown(data: Uint8Array): Promise<ParsedDocument> {
  const lines = decodeText(data).split(/\r\n?|\n/)
  const blocks: TextBlock[] = []
  let pending: string[] = []
  const flushText = (): void => {
    if (pending.length > 0) blocks.push(...textToBlocks(pending.map(stripInline).join('\n')))
    pending = []
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const next = lines[i + 1] ?? ''
    const atx = ATX_HEADING.exec(line)
    if (atx) {
      flushText()
      blocks.push({ kind: 'heading', level: (atx[1] as string).length, text: stripInline(atx[2] as string) })
    } else if (line.trim() !== '' && pending.length === 0 && SETEXT_UNDERLINE.test(next) && !TABLE_ROW.test(line)) {
      blocks.push({ kind: 'heading', level: next.trim().startsWith('=') ? 1 : 2, text: stripInline(line.trim()) })
      i++
    } else if (THEMATIC_BREAK.test(line)) {
      flushText()
    } else if (FENCE.test(line)) {
      flushText()
      const code: string[] = []
      while (++i < lines.length && !FENCE.test(lines[i] as string)) code.push(lines[i] as string)
      if (code.length > 0) blocks.push({ kind: 'paragraph', text: code.join('\n') })
    } else if (TABLE_ROW.test(line)) {
      flushText()
      const rows: string[] = []
      for (; i < lines.length && TABLE_ROW.test(lines[i] as string); i++) {
        const row = lines[i] as string
        if (TABLE_RULE.test(row)) continue
        rows.push(row.trim().replace(/^\||\|$/g, '').split('|').map((c) => stripInline(c.trim())).join(' | '))
      }
      i--
      blocks.push({ kind: 'table', text: rows.join('\n') })
    } else if (/^\s{0,3}>/.test(line)) {
      flushText()
      const quote: string[] = []
      for (; i < lines.length && /^\s{0,3}>/.test(lines[i] as string); i++) quote.push((lines[i] as string).replace(/^\s{0,3}>\s?/, ''))
      i--
      blocks.push({ kind: 'quote', text: stripInline(quote.join('\n')).trim() })
    } else {
      if (line.trim() === '') flushText()
      else pending.push(line.replace(/^\s*[-*+]\s+/, '- '))
    }
  }
  flushText()
  return { blocks, metadata: titleFrom(blocks), children: [], mime: 'text/markdown' }
}

function titleFrom(blocks: TextBlock[]): { title?: string } {
  const first = blocks.find((b) => b.kind === 'heading' && b.level === 1)
  return first ? { title: first.text } : {}
}

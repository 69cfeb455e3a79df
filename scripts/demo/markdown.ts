import { parse as parseYaml } from 'yaml'

/** The Markdown subset the demo texts use: headings, paragraphs, lists, tables, quotes and **bold**. */
export type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'table'; rows: string[][] }
  | { kind: 'quote'; text: string }

export interface DemoText {
  /** front matter: format, title, author, date and per-source extras (mail headers, DMS metadata) */
  meta: Record<string, unknown>
  /** the Markdown body as written */
  body: string
  blocks: Block[]
}

export function parseDemoText(source: string): DemoText {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(source)
  const meta = match ? ((parseYaml(match[1]!) as Record<string, unknown> | null) ?? {}) : {}
  const body = match ? source.slice(match[0].length) : source
  return { meta, body: body.trim() + '\n', blocks: parseBlocks(body) }
}

export function parseBlocks(body: string): Block[] {
  const blocks: Block[] = []
  const lines = body.replace(/\r\n/g, '\n').split('\n')
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (line.trim() === '') {
      i++
      continue
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line)
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]!.trim() })
      i++
      continue
    }
    if (line.startsWith('|')) {
      const rows: string[][] = []
      while (i < lines.length && lines[i]!.startsWith('|')) {
        const cells = lines[i]!.trim()
          .replace(/^\|/, '')
          .replace(/\|$/, '')
          .split('|')
          .map((c) => c.trim())
        if (!cells.every((c) => /^:?-{2,}:?$/.test(c))) rows.push(cells)
        i++
      }
      blocks.push({ kind: 'table', rows })
      continue
    }
    const item = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(line)
    if (item) {
      const ordered = /\d/.test(item[2]!)
      const items: string[] = []
      while (i < lines.length) {
        const next = /^\s*([-*]|\d+\.)\s+(.*)$/.exec(lines[i]!)
        if (next) items.push(next[2]!.trim())
        else if (lines[i]!.startsWith('  ') && items.length > 0) items[items.length - 1] += ` ${lines[i]!.trim()}`
        else break
        i++
      }
      blocks.push({ kind: 'list', ordered, items })
      continue
    }
    const collected: string[] = []
    const isQuote = line.startsWith('>')
    while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,4}\s|\||\s*([-*]|\d+\.)\s)/.test(lines[i]!)) {
      collected.push(isQuote ? lines[i]!.replace(/^>\s?/, '') : lines[i]!.trim())
      i++
    }
    // A line ending in a backslash is a CommonMark hard line break (address blocks, minutes headers).
    const text = collected.map((l, n) => (n === collected.length - 1 ? l : l.endsWith('\\') ? `${l.slice(0, -1)}\n` : `${l} `)).join('')
    blocks.push(isQuote ? { kind: 'quote', text: collected.join('\n') } : { kind: 'paragraph', text })
  }
  return blocks
}

/** Splits text into runs at **bold** markers. */
export function inlineRuns(text: string): { text: string; bold: boolean }[] {
  return text
    .split(/(\*\*[^*]+\*\*)/)
    .filter((part) => part !== '')
    .map((part) => (part.startsWith('**') && part.endsWith('**') ? { text: part.slice(2, -2), bold: true } : { text: part, bold: false }))
}

export function plain(text: string): string {
  return text.replace(/\*\*([^*]+)\*\*/g, '$1')
}

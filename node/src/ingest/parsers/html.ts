import { Parser } from 'htmlparser2'
import type { DocumentMetadata, ParsedDocument, TextBlock } from '../types.ts'
import { textToBlocks } from './sections.ts'
import { decodeText } from './text.ts'

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'canvas', 'iframe', 'object'])
const HEADING = /^h([1-6])$/
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'aside', 'header', 'footer', 'nav', 'address', 'figure', 'figcaption',
  'form', 'fieldset', 'hr', 'dl', 'dt', 'dd', 'caption', 'center', 'body',
])

export interface HtmlText {
  blocks: TextBlock[]
  metadata: DocumentMetadata
}

/**
 * Walks the markup once and keeps its structure: h1–h6 as headings, lists as list blocks, the outermost table as a
 * table block (rows as lines, cells joined with " | "), all other text as paragraphs. Text inside a table or list
 * stays there, even when it is marked up as a heading or paragraph.
 */
class BlockBuilder {
  readonly blocks: TextBlock[] = []
  readonly metadata: DocumentMetadata = {}
  private buf = ''
  private headingLevel: number | null = null
  private skipDepth = 0
  private quoteDepth = 0
  private preDepth = 0
  private inTitle = false
  private title = ''
  private tableDepth = 0
  private rows: string[] = []
  private cells: string[] | null = null
  private cell: string | null = null
  private listDepth = 0
  private items: string[] = []
  private item: string | null = null
  private itemIndent = 0

  text(raw: string): void {
    if (this.skipDepth > 0) return
    if (this.inTitle) {
      this.title += raw
      return
    }
    const text = this.preDepth > 0 ? raw : raw.replace(/\s+/g, ' ')
    if (this.tableDepth > 0) {
      if (this.cell !== null) this.cell += text
    } else if (this.listDepth > 0) {
      this.item = (this.item ?? '') + text
    } else {
      this.buf += text
    }
  }

  open(name: string, attrs: Record<string, string>): void {
    if (SKIPPED.has(name)) this.skipDepth++
    if (this.skipDepth > 0) return
    const heading = HEADING.exec(name)
    if (name === 'title') this.inTitle = true
    else if (name === 'meta') this.meta(attrs)
    else if (name === 'br') this.separate('\n')
    else if (name === 'table') {
      if (this.tableDepth === 0) this.flush()
      this.tableDepth++
    } else if (this.tableDepth > 0) {
      if (this.tableDepth === 1 && name === 'tr') this.cells = []
      else if (this.tableDepth === 1 && (name === 'td' || name === 'th')) this.cell = ''
      else this.separate(' ')
    } else if (name === 'ul' || name === 'ol') {
      if (this.listDepth === 0) this.flush()
      this.listDepth++
    } else if (this.listDepth > 0) {
      if (name === 'li') {
        this.finishItem()
        this.item = ''
        this.itemIndent = this.listDepth - 1
      } else this.separate(' ')
    } else if (heading) {
      this.flush()
      this.headingLevel = Number(heading[1])
    } else if (name === 'blockquote') {
      this.flush()
      this.quoteDepth++
    } else if (name === 'pre') {
      this.flush()
      this.preDepth++
    } else if (BLOCK.has(name) || name === 'li') this.flush()
  }

  close(name: string): void {
    if (SKIPPED.has(name)) {
      this.skipDepth = Math.max(0, this.skipDepth - 1)
      return
    }
    if (this.skipDepth > 0) return
    if (name === 'title') {
      this.inTitle = false
      const title = this.title.replace(/\s+/g, ' ').trim()
      if (title !== '') this.metadata.title = title
    } else if (name === 'table' && this.tableDepth > 0) {
      this.tableDepth--
      if (this.tableDepth === 0) this.finishTable()
    } else if (this.tableDepth > 0) {
      if (this.tableDepth === 1 && (name === 'td' || name === 'th')) this.finishCell()
      else if (this.tableDepth === 1 && name === 'tr') this.finishRow()
    } else if ((name === 'ul' || name === 'ol') && this.listDepth > 0) {
      this.listDepth--
      if (this.listDepth === 0) this.finishList()
    } else if (this.listDepth > 0) {
      if (name === 'li') this.finishItem()
    } else if (HEADING.test(name) || BLOCK.has(name) || name === 'li') this.flush()
    else if (name === 'blockquote') {
      this.flush()
      this.quoteDepth = Math.max(0, this.quoteDepth - 1)
    } else if (name === 'pre') {
      this.flush()
      this.preDepth = Math.max(0, this.preDepth - 1)
    }
  }

  end(): void {
    if (this.tableDepth > 0) this.finishTable()
    if (this.listDepth > 0) this.finishList()
    this.flush()
  }

  private meta(attrs: Record<string, string>): void {
    const name = (attrs.name ?? '').toLowerCase()
    const content = attrs.content?.trim()
    if (!content) return
    if (name === 'author' || name === 'dc.creator') this.metadata.author = content
    else if (name === 'date' || name === 'dc.date' || name === 'dcterms.date') this.metadata.date = content
  }

  private separate(sep: string): void {
    if (this.tableDepth > 0) {
      if (this.cell !== null) this.cell += sep
    } else if (this.listDepth > 0) {
      if (this.item !== null) this.item += sep
    } else this.buf += sep
  }

  private flush(): void {
    const raw = this.buf
    this.buf = ''
    if (this.headingLevel !== null) {
      const text = raw.replace(/\s+/g, ' ').trim()
      if (text !== '') this.blocks.push({ kind: 'heading', level: this.headingLevel, text })
      this.headingLevel = null
    } else if (this.preDepth > 0) {
      if (raw.trim() !== '') this.blocks.push({ kind: 'paragraph', text: raw.replace(/^\n+|\s+$/g, '') })
    } else if (this.quoteDepth > 0) {
      const text = raw.replace(/[ \t]+/g, ' ').trim()
      if (text !== '') this.blocks.push({ kind: 'quote', text })
    } else {
      this.blocks.push(...textToBlocks(raw))
    }
  }

  private finishCell(): void {
    if (this.cell === null) return
    this.cells ??= []
    this.cells.push(this.cell.replace(/\s+/g, ' ').trim())
    this.cell = null
  }

  private finishRow(): void {
    this.finishCell()
    if (this.cells?.some((c) => c !== '')) this.rows.push(this.cells.join(' | '))
    this.cells = null
  }

  private finishTable(): void {
    this.finishRow()
    this.tableDepth = 0
    if (this.rows.length > 0) this.blocks.push({ kind: 'table', text: this.rows.join('\n') })
    this.rows = []
  }

  private finishItem(): void {
    const text = this.item?.replace(/\s+/g, ' ').trim()
    if (text) this.items.push(`${'  '.repeat(this.itemIndent)}- ${text}`)
    this.item = null
  }

  private finishList(): void {
    this.finishItem()
    this.listDepth = 0
    if (this.items.length > 0) this.blocks.push({ kind: 'list', text: this.items.join('\n') })
    this.items = []
  }
}

/** Also used for DOCX (through mammoth's HTML) and for mail bodies that only come as HTML. */
export function htmlToBlocks(html: string): HtmlText {
  const builder = new BlockBuilder()
  const parser = new Parser(
    {
      onopentag: (name, attrs) => builder.open(name, attrs),
      onclosetag: (name) => builder.close(name),
      ontext: (text) => builder.text(text),
    },
    { decodeEntities: true, lowerCaseTags: true },
  )
  parser.write(html)
  parser.end()
  builder.end()
  return { blocks: builder.blocks, metadata: builder.metadata }
}

export async function parseHtml(data: Uint8Array): Promise<ParsedDocument> {
  const { blocks, metadata } = htmlToBlocks(decodeText(data))
  return { blocks, metadata, children: [], mime: 'text/html' }
}

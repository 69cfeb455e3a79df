import type { TextBlock } from '../types.ts'
import { textToBlocks } from './sections.ts'
import { sheetBlocks } from './sheet.ts'
import { walkXml } from './xml.ts'

export type OdfKind = 'odt' | 'ods' | 'odp'

/** Spreadsheets mark the empty rest of a row or sheet as one cell repeated 16384 times; repeats are capped. */
const MAX_REPEATED_CELLS = 100
const MAX_REPEATED_ROWS = 100
const MAX_SPACES = 100
// deleted text kept for change tracking, reviewers' comments and footnote markers are not document text
const SKIPPED = new Set(['text:tracked-changes', 'office:annotation', 'text:note-citation', 'svg:title', 'svg:desc', 'office:forms'])
const CELL = new Set(['table:table-cell', 'table:covered-table-cell'])

function repeat(attrs: Record<string, string>, name: string, max: number): number {
  const n = Number(attrs[name] ?? 1)
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : 1
}

/**
 * Walks content.xml of an ODF document. Text (ODT): headings, paragraphs, lists, tables. Spreadsheet (ODS): each
 * table is a sheet section on its own page. Presentation (ODP): each draw:page is a page.
 */
class OdfWalker {
  readonly blocks: TextBlock[] = []
  private page: number | undefined
  private pages = 0
  private skipDepth = 0
  private para: string | null = null
  private headingLevel: number | null = null
  private listDepth = 0
  private items: string[] = []
  private item: string | null = null
  private itemIndent = 0
  private tableDepth = 0
  private tableName = ''
  private rows: string[][] = []
  private row: string[] | null = null
  private rowRepeat = 1
  private emptyCells = 0
  private cell: string | null = null
  private cellRepeat = 1
  /** ODP: inside the frame that holds the slide title */
  private inTitleFrame = false

  constructor(private readonly kind: OdfKind) {}

  open(name: string, attrs: Record<string, string>): void {
    if (SKIPPED.has(name)) this.skipDepth++
    if (this.skipDepth > 0) return
    if (name === 'text:s') this.append(' '.repeat(repeat(attrs, 'text:c', MAX_SPACES)))
    else if (name === 'text:tab') this.append('\t')
    else if (name === 'text:line-break') this.append('\n')
    else if (name === 'draw:page') this.page = ++this.pages
    else if (name === 'draw:frame') this.inTitleFrame = attrs['presentation:class'] === 'title'
    else if (name === 'table:table') {
      if (++this.tableDepth > 1) return
      this.rows = []
      this.tableName = attrs['table:name'] ?? ''
      if (this.kind === 'ods') this.page = ++this.pages
    } else if (this.tableDepth > 0) {
      if (this.tableDepth > 1) this.append(' ')
      else if (name === 'table:table-row') {
        this.row = []
        this.emptyCells = 0
        this.rowRepeat = repeat(attrs, 'table:number-rows-repeated', MAX_REPEATED_ROWS)
      } else if (CELL.has(name)) {
        this.cell = ''
        this.cellRepeat = repeat(attrs, 'table:number-columns-repeated', Number.MAX_SAFE_INTEGER)
      } else if (name === 'text:p' || name === 'text:h') this.append(this.cell ? ' ' : '')
    } else if (name === 'text:list') {
      this.listDepth++
    } else if (this.listDepth > 0) {
      if (name === 'text:list-item' || name === 'text:list-header') {
        this.finishItem()
        this.item = ''
        this.itemIndent = this.listDepth - 1
      } else this.append(' ')
    } else if (name === 'text:h' || name === 'text:p') {
      this.finishParagraph()
      this.para = ''
      this.headingLevel = name === 'text:h' ? repeat(attrs, 'text:outline-level', 10) : this.inTitleFrame ? 1 : null
    }
  }

  close(name: string): void {
    if (SKIPPED.has(name)) {
      this.skipDepth = Math.max(0, this.skipDepth - 1)
      return
    }
    if (this.skipDepth > 0) return
    if (name === 'draw:frame') this.inTitleFrame = false
    if (name === 'table:table' && this.tableDepth > 0) {
      if (--this.tableDepth === 0) this.finishTable()
    } else if (this.tableDepth === 1) {
      if (CELL.has(name)) this.finishCell()
      else if (name === 'table:table-row') this.finishRow()
    } else if (this.tableDepth > 1) {
      return
    } else if (name === 'text:list' && this.listDepth > 0) {
      if (--this.listDepth === 0) this.finishList()
    } else if (this.listDepth > 0) {
      if (name === 'text:list-item' || name === 'text:list-header') this.finishItem()
    } else if (name === 'text:h' || name === 'text:p') this.finishParagraph()
  }

  text(text: string): void {
    if (this.skipDepth === 0) this.append(text)
  }

  end(): void {
    if (this.tableDepth > 0) this.finishTable()
    this.finishList()
    this.finishParagraph()
  }

  private append(text: string): void {
    if (this.tableDepth > 0) {
      if (this.cell !== null) this.cell += text
    } else if (this.listDepth > 0) {
      if (this.item !== null) this.item += text
    } else if (this.para !== null) this.para += text
  }

  private finishParagraph(): void {
    const text = this.para
    this.para = null
    if (text === null) return
    if (this.headingLevel === null) {
      this.blocks.push(...textToBlocks(text, this.page))
      return
    }
    const heading = text.replace(/\s+/g, ' ').trim()
    if (heading !== '') this.blocks.push(this.at({ kind: 'heading', level: this.headingLevel, text: heading }))
  }

  private finishItem(): void {
    const text = this.item?.replace(/\s+/g, ' ').trim()
    if (text) this.items.push(`${'  '.repeat(this.itemIndent)}- ${text}`)
    this.item = null
  }

  private finishList(): void {
    this.finishItem()
    this.listDepth = 0
    if (this.items.length > 0) this.blocks.push(this.at({ kind: 'list', text: this.items.join('\n') }))
    this.items = []
  }

  private finishCell(): void {
    if (this.cell === null || this.row === null) return
    const text = this.cell.replace(/\s+/g, ' ').trim()
    this.cell = null
    if (text === '') {
      // only materialised when content follows, so a row padded to 16384 columns costs nothing
      this.emptyCells += this.cellRepeat
      return
    }
    const pad = Math.min(this.emptyCells, MAX_REPEATED_CELLS)
    for (let i = 0; i < pad; i++) this.row.push('')
    this.emptyCells = 0
    for (let i = 0; i < Math.min(this.cellRepeat, MAX_REPEATED_CELLS); i++) this.row.push(text)
  }

  private finishRow(): void {
    this.finishCell()
    const row = this.row
    this.row = null
    if (!row || row.length === 0) return
    for (let i = 0; i < this.rowRepeat; i++) this.rows.push(row)
  }

  private finishTable(): void {
    this.finishRow()
    this.tableDepth = 0
    if (this.kind === 'ods') {
      this.blocks.push(...sheetBlocks(this.tableName || `Tabelle ${this.page}`, this.page ?? 1, this.rows))
    } else if (this.rows.length > 0) {
      this.blocks.push(this.at({ kind: 'table', text: this.rows.map((r) => r.join(' | ')).join('\n') }))
    }
    this.rows = []
  }

  private at(block: TextBlock): TextBlock {
    return this.page === undefined ? block : { ...block, page: this.page }
  }
}

export function odfContentBlocks(xml: string, kind: OdfKind): TextBlock[] {
  const walker = new OdfWalker(kind)
  walkXml(xml, { open: (n, a) => walker.open(n, a), close: (n) => walker.close(n), text: (t) => walker.text(t) })
  walker.end()
  return walker.blocks
}

import { ParseError } from '../types.ts'
import type { DocumentMetadata, ParsedDocument, TextBlock } from '../types.ts'
import { decodeCp1252 } from './cp1252.ts'
import { textToBlocks } from './sections.ts'

type Destination = 'text' | 'skip' | 'info' | 'title' | 'author' | 'subject' | 'creatim' | 'stylesheet' | 'style'

interface Group {
  dest: Destination
  /** how many fallback characters follow each \uN */
  uc: number
  /** stylesheet entry: its \sN number (null for character and table styles), outline level and name */
  styleNumber: number | null
  styleOutline: number | null
  styleName: string
}

interface Paragraph {
  text: string
  level?: number
  tableRow: boolean
}

/** Tables, images, headers, list numbering and the like: nothing in them is body text. */
const SKIPPED_DESTINATIONS = new Set([
  'fonttbl', 'colortbl', 'pict', 'object', 'header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl', 'footerr',
  'footerf', 'footnote', 'listtable', 'listoverridetable', 'rsidtbl', 'revtbl', 'filetbl', 'pgdsctbl', 'xmlnstbl',
  'themedata', 'colorschememapping', 'datastore', 'latentstyles', 'generator', 'nonshppict', 'fldinst', 'bkmkstart',
  'bkmkend', 'listtext', 'pntext', 'pntxta', 'pntxtb', 'operator', 'company', 'manager', 'category', 'keywords',
  'comment', 'doccomm', 'hlinkbase', 'template', 'revtim', 'printim', 'buptim', 'userprops', 'docvar',
])
const INFO_FIELDS = new Set(['title', 'author', 'subject', 'creatim'])
const SYMBOLS: Record<string, string> = {
  tab: '\t', line: '\n', emdash: '—', endash: '–', bullet: '•', lquote: '‘', rquote: '’', ldblquote: '“',
  rdblquote: '”', emspace: ' ', enspace: ' ', qmspace: ' ', cell: ' | ', nestcell: ' | ',
}
const HEADING_STYLE_NAME = /^(heading|überschrift)\s*(\d)/i
const CODEPAGES: Record<string, number> = { ansi: 1252, mac: 10000, pc: 437, pca: 850 }
const MAX_HEADING_LEVEL = 9

const BACKSLASH = 0x5c
const OPEN = 0x7b
const CLOSE = 0x7d

function isLetter(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a))
}

function decodeCodepage(bytes: Uint8Array, codepage: number): string {
  if (codepage === 1252) return decodeCp1252(bytes)
  try {
    const label = codepage === 65001 ? 'utf-8' : codepage === 10000 ? 'macintosh' : `windows-${codepage}`
    return new TextDecoder(label).decode(bytes)
  } catch {
    return decodeCp1252(bytes)
  }
}

/** A single-pass control-word reader: enough of RTF 1.9 for the text, paragraph styles and the info group. */
class RtfReader {
  readonly paragraphs: Paragraph[] = []
  readonly info: Record<'title' | 'author' | 'subject', string> = { title: '', author: '', subject: '' }
  readonly created: Record<string, number> = {}
  private readonly styles = new Map<number, number>()
  private readonly stack: Group[] = []
  private group: Group = { dest: 'text', uc: 1, styleNumber: null, styleOutline: null, styleName: '' }
  private pending: number[] = []
  private codepage = 1252
  private ucSkip = 0
  private para = ''
  private paraStyle: number | null = null
  private paraOutline: number | null = null
  private inTable = false

  constructor(private readonly data: Uint8Array) {}

  read(): void {
    const data = this.data
    let i = 0
    while (i < data.length) {
      const b = data[i] as number
      if (b === OPEN || b === CLOSE) {
        this.flushBytes()
        this.ucSkip = 0
        if (b === OPEN) this.openGroup()
        else this.closeGroup()
        i++
      } else if (b === BACKSLASH) {
        i = this.control(i + 1)
      } else {
        if (b !== 0x0d && b !== 0x0a) this.char(b)
        i++
      }
    }
    this.flushBytes()
    // the last paragraph may lack its \par, or follow a table row without \pard
    this.inTable = false
    this.endParagraph(false)
  }

  /** Reads the control word or symbol that starts at `i` (after the backslash); returns the next position. */
  private control(i: number): number {
    const data = this.data
    const c = data[i]
    if (c === undefined) return i
    if (c === 0x27) {
      const hex = String.fromCharCode(data[i + 1] ?? 0, data[i + 2] ?? 0)
      const byte = Number.parseInt(hex, 16)
      if (!Number.isNaN(byte)) this.char(byte, true)
      return i + 3
    }
    if (!isLetter(c)) {
      this.flushBytes()
      if (c === OPEN || c === CLOSE || c === BACKSLASH) this.emit(String.fromCharCode(c))
      else if (c === 0x7e) this.emit('\u00a0')
      else if (c === 0x5f) this.emit('\u2011')
      else if (c === 0x2a) this.group.dest = 'skip' // \* marks a destination readers may ignore
      else if ((c === 0x0d || c === 0x0a) && this.group.dest === 'text') this.endParagraph(false)
      return i + 1
    }
    let end = i
    while (isLetter(data[end])) end++
    const word = String.fromCharCode(...data.subarray(i, end))
    let paramEnd = end
    if (data[paramEnd] === 0x2d) paramEnd++
    while ((data[paramEnd] ?? 0) >= 0x30 && (data[paramEnd] ?? 0) <= 0x39) paramEnd++
    const digits = String.fromCharCode(...data.subarray(end, paramEnd))
    const param = /\d/.test(digits) ? Number(digits) : null
    if (data[paramEnd] === 0x20) paramEnd++
    this.flushBytes()
    if (word === 'bin' && param !== null) return paramEnd + Math.max(0, param)
    this.word(word, param)
    return paramEnd
  }

  private word(word: string, param: number | null): void {
    const group = this.group
    if (word === 'u' && param !== null) {
      this.emit(String.fromCharCode(param < 0 ? param + 0x10000 : param))
      this.ucSkip = group.uc
      return
    }
    this.ucSkip = 0
    if (word === 'uc') group.uc = param ?? 1
    else if (SKIPPED_DESTINATIONS.has(word)) group.dest = 'skip'
    else if (word === 'info') group.dest = 'info'
    else if (word === 'stylesheet') group.dest = 'stylesheet'
    else if (INFO_FIELDS.has(word) && group.dest === 'info') group.dest = word as Destination
    else if (word in CODEPAGES) this.codepage = CODEPAGES[word] as number
    else if (word === 'ansicpg' && param !== null) this.codepage = param
    else if (group.dest === 'creatim') {
      if (word === 'yr' || word === 'mo' || word === 'dy') this.created[word] = param ?? 0
    } else if (group.dest === 'style') {
      if (word === 's') group.styleNumber = param ?? 0
      else if (word === 'outlinelevel') group.styleOutline = param
      else if (word === 'cs' || word === 'ds' || word === 'ts') group.styleNumber = null
    } else if (group.dest === 'text') this.bodyWord(word, param)
  }

  private bodyWord(word: string, param: number | null): void {
    if (word === 'par' || word === 'sect' || word === 'page') this.endParagraph(false)
    else if (word === 'row' || word === 'nestrow') this.endParagraph(true)
    else if (word === 'pard') {
      this.paraStyle = null
      this.paraOutline = null
      this.inTable = false
    } else if (word === 'intbl') this.inTable = true
    else if (word === 's') this.paraStyle = param ?? 0
    else if (word === 'outlinelevel') this.paraOutline = param
    else if (word in SYMBOLS) this.emit(SYMBOLS[word] as string)
  }

  private char(byte: number, escaped = false): void {
    if (this.ucSkip > 0) {
      this.ucSkip--
      return
    }
    if (byte >= 0x80 || escaped) this.pending.push(byte)
    else {
      this.flushBytes()
      this.emit(String.fromCharCode(byte))
    }
  }

  /** \'xx bytes are collected first: in multi-byte code pages one character spans several of them. */
  private flushBytes(): void {
    if (this.pending.length === 0) return
    const bytes = Uint8Array.from(this.pending)
    this.pending = []
    this.emit(decodeCodepage(bytes, this.codepage))
  }

  private emit(text: string): void {
    const group = this.group
    if (group.dest === 'text') this.para += text
    else if (group.dest === 'style') group.styleName += text
    else if (group.dest === 'title' || group.dest === 'author' || group.dest === 'subject') this.info[group.dest] += text
  }

  private openGroup(): void {
    this.stack.push(this.group)
    const parent = this.group
    const dest = parent.dest === 'stylesheet' ? 'style' : parent.dest
    this.group = { ...parent, dest, styleNumber: null, styleOutline: null, styleName: '' }
  }

  private closeGroup(): void {
    const closed = this.group
    this.group = this.stack.pop() ?? closed
    if (closed.dest !== 'style' || closed.styleNumber === null || this.group.dest !== 'stylesheet') return
    const byName = HEADING_STYLE_NAME.exec(closed.styleName.replace(/;\s*$/, '').trim())
    const level = closed.styleOutline !== null ? closed.styleOutline + 1 : byName ? Number(byName[2]) : null
    if (level !== null && level >= 1 && level <= MAX_HEADING_LEVEL) this.styles.set(closed.styleNumber, level)
  }

  private endParagraph(tableRow: boolean): void {
    // paragraphs inside a table cell end with \par too, but the row is the unit we keep
    if (!tableRow && this.inTable) {
      this.para += ' '
      return
    }
    const level = this.paraOutline !== null ? this.paraOutline + 1 : this.paraStyle !== null ? this.styles.get(this.paraStyle) : undefined
    const paragraph: Paragraph = { text: this.para, tableRow }
    if (level !== undefined && level <= MAX_HEADING_LEVEL) paragraph.level = level
    this.paragraphs.push(paragraph)
    this.para = ''
  }
}

function toBlocks(paragraphs: Paragraph[]): TextBlock[] {
  const blocks: TextBlock[] = []
  let rows: string[] = []
  const flushTable = (): void => {
    if (rows.length > 0) blocks.push({ kind: 'table', text: rows.join('\n') })
    rows = []
  }
  for (const p of paragraphs) {
    if (p.tableRow) {
      const row = p.text.replace(/\s+/g, ' ').replace(/(\s*\|\s*)+$/, '').trim()
      if (row.replace(/[\s|]/g, '') !== '') rows.push(row)
      continue
    }
    flushTable()
    const heading = p.text.replace(/\s+/g, ' ').trim()
    if (p.level !== undefined && heading !== '') blocks.push({ kind: 'heading', level: p.level, text: heading })
    else blocks.push(...textToBlocks(p.text))
  }
  flushTable()
  return blocks
}

const RTF_MAGIC = '{\\rtf'

export async function parseRtf(data: Uint8Array): Promise<ParsedDocument> {
  if (String.fromCharCode(...data.subarray(0, RTF_MAGIC.length)) !== RTF_MAGIC) throw new ParseError('corrupt', 'Keine RTF-Datei')
  const reader = new RtfReader(data)
  reader.read()
  const metadata: DocumentMetadata = {}
  const { title, author, subject } = reader.info
  if (title.trim()) metadata.title = title.trim()
  if (author.trim()) metadata.author = author.trim()
  if (subject.trim()) metadata.betreff = subject.trim()
  const { yr, mo, dy } = reader.created
  if (yr) metadata.date = `${yr}-${String(mo ?? 1).padStart(2, '0')}-${String(dy ?? 1).padStart(2, '0')}`
  return { blocks: toBlocks(reader.paragraphs), metadata, children: [], mime: 'application/rtf' }
}

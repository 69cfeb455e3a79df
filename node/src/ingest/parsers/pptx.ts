import type { ParsedDocument, ParseOptions, TextBlock } from '../types.ts'
import { textToBlocks } from './sections.ts'
import { readCoreProperties, walkXml } from './xml.ts'
import { assertNotEncryptedOffice, readZip } from './zip.ts'

const SLIDE_PATH = /^ppt\/slides\/slide(\d+)\.xml$/
const TITLE_PLACEHOLDERS = new Set(['title', 'ctrTitle'])
const SHAPES = new Set(['p:sp', 'p:graphicFrame', 'p:pic', 'p:cxnSp'])
const WANTED = new Set(['ppt/presentation.xml', 'ppt/_rels/presentation.xml.rels', 'docProps/core.xml'])

/** Slide paths in presentation order (p:sldIdLst), which can differ from the numbers in the file names. */
function slideOrder(files: Map<string, Buffer>): string[] {
  const slides = [...files.keys()].filter((n) => SLIDE_PATH.test(n))
  const byNumber = (a: string, b: string): number => Number(SLIDE_PATH.exec(a)?.[1]) - Number(SLIDE_PATH.exec(b)?.[1])
  const presentation = files.get('ppt/presentation.xml')?.toString('utf8')
  const rels = files.get('ppt/_rels/presentation.xml.rels')?.toString('utf8')
  if (!presentation || !rels) return slides.sort(byNumber)
  const targets = new Map<string, string>()
  walkXml(rels, {
    open: (name, a) => {
      if (name === 'Relationship' && a.Id && a.Target) targets.set(a.Id, `ppt/${a.Target.replace(/^\/?(ppt\/)?/, '')}`)
    },
  })
  const ordered: string[] = []
  walkXml(presentation, {
    open: (name, a) => {
      const target = name === 'p:sldId' && a['r:id'] ? targets.get(a['r:id']) : undefined
      if (target && files.has(target)) ordered.push(target)
    },
  })
  return ordered.length > 0 ? ordered : slides.sort(byNumber)
}

/** Text of one slide: the title placeholder as heading, text runs (a:t) as paragraphs, tables as " | " rows. */
function slideBlocks(xml: string, page: number): TextBlock[] {
  const blocks: TextBlock[] = []
  let isTitle = false
  let para: string | null = null
  let inRun = false
  let fieldDepth = 0
  let rows: string[] | null = null
  let cells: string[] | null = null
  walkXml(xml, {
    open: (name, a) => {
      if (SHAPES.has(name)) isTitle = false
      else if (name === 'p:ph') isTitle = TITLE_PLACEHOLDERS.has(a.type ?? '')
      else if (name === 'a:fld') fieldDepth++ // slide numbers and dates
      else if (name === 'a:p') para = ''
      else if (name === 'a:t') inRun = true
      else if (name === 'a:br' && para !== null) para += '\n'
      else if (name === 'a:tbl') rows = []
      else if (name === 'a:tr') cells = []
      else if (name === 'a:tc') cells?.push('')
    },
    text: (text) => {
      if (inRun && fieldDepth === 0 && para !== null) para += text
    },
    close: (name) => {
      if (name === 'a:t') inRun = false
      else if (name === 'a:fld') fieldDepth--
      else if (name === 'a:p' && para !== null) {
        const text: string = para
        para = null
        if (cells && cells.length > 0) cells[cells.length - 1] = `${cells[cells.length - 1]} ${text}`.trim()
        else if (isTitle && text.trim() !== '') blocks.push({ kind: 'heading', level: 1, text: text.replace(/\s+/g, ' ').trim(), page })
        else blocks.push(...textToBlocks(text, page))
      } else if (name === 'a:tr' && cells) {
        if (cells.some((c) => c !== '')) rows?.push(cells.join(' | '))
        cells = null
      } else if (name === 'a:tbl' && rows) {
        if (rows.length > 0) blocks.push({ kind: 'table', text: rows.join('\n'), page })
        rows = null
      }
    },
  })
  return blocks
}

export async function parsePptx(data: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  assertNotEncryptedOffice(data)
  const zip = await readZip(data, { ...options, keep: (e) => WANTED.has(e.name) || SLIDE_PATH.test(e.name) })
  const blocks = slideOrder(zip.files).flatMap((path, i) => slideBlocks((zip.files.get(path) as Buffer).toString('utf8'), i + 1))
  const metadata = readCoreProperties(zip.files.get('docProps/core.xml')?.toString('utf8'))
  return { blocks, metadata, children: [], mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' }
}

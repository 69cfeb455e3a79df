import type { DocInfo, Renderer } from './info.ts'
import { DEMO_ISSUER } from './info.ts'
import type { DemoText } from './markdown.ts'
import { plain } from './markdown.ts'
import { renderDocx } from './render-docx.ts'
import { renderHtml } from './render-html.ts'
import { renderOdt } from './render-odt.ts'
import { renderPdf } from './render-pdf.ts'
import { renderPptx } from './render-pptx.ts'
import { renderRtf } from './render-rtf.ts'
import { renderText } from './render-text.ts'
import { renderXlsx } from './render-xlsx.ts'

const RENDERERS: Record<string, Renderer> = {
  docx: renderDocx,
  pdf: renderPdf,
  xlsx: renderXlsx,
  odt: renderOdt,
  pptx: renderPptx,
  rtf: renderRtf,
  html: renderHtml,
  txt: renderText,
}

export const FORMATS = [...Object.keys(RENDERERS), 'md']

export function docInfo(text: DemoText, where: string): DocInfo {
  const firstHeading = text.blocks.find((block) => block.kind === 'heading')
  const title = String(text.meta.title ?? (firstHeading?.kind === 'heading' ? plain(firstHeading.text) : where))
  const date = String(text.meta.date ?? '')
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`${where}: date (YYYY-MM-DD) fehlt`)
  if (typeof text.meta.author !== 'string') throw new Error(`${where}: author fehlt`)
  const department = typeof text.meta.department === 'string' ? ` · ${text.meta.department}` : ''
  const issuer = typeof text.meta.issuer === 'string' ? text.meta.issuer : `${DEMO_ISSUER}${department}`
  return { title, author: text.meta.author, date, issuer }
}

/** Renders one demo text into the format its front matter names (or the one given). */
export async function renderDocument(text: DemoText, where: string, format = String(text.meta.format ?? '')): Promise<Uint8Array> {
  if (format === 'md') return new TextEncoder().encode(text.body)
  const renderer = RENDERERS[format]
  if (!renderer) throw new Error(`${where}: unbekanntes Format „${format}“`)
  return renderer(text.blocks, docInfo(text, where))
}

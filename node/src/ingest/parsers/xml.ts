import { SaxesParser } from 'saxes'
import { ParseError } from '../types.ts'

export interface XmlHandlers {
  open?(name: string, attrs: Record<string, string>): void
  close?(name: string): void
  text?(text: string): void
}

/**
 * Streams an XML document to the handlers with qualified names ("w:p", "text:h"). saxes does not expand DTD
 * entities, so entity bombs cannot blow up here.
 */
export function walkXml(xml: string, handlers: XmlHandlers): void {
  const parser = new SaxesParser({ xmlns: false })
  let failure: Error | null = null
  parser.on('error', (err) => {
    failure ??= err
  })
  parser.on('opentag', (tag) => handlers.open?.(tag.name, tag.attributes as Record<string, string>))
  parser.on('closetag', (tag) => handlers.close?.(tag.name))
  parser.on('text', (text) => handlers.text?.(text))
  parser.on('cdata', (text) => handlers.text?.(text))
  parser.write(xml).close()
  if (failure) throw new ParseError('corrupt', 'XML im Dokument ist nicht wohlgeformt', failure)
}

/** Dublin Core properties as OOXML (docProps/core.xml) and ODF (meta.xml) store them. */
export function readCoreProperties(xml: string | undefined): { title?: string; author?: string; date?: string } {
  if (!xml) return {}
  const found: Record<string, string> = {}
  let current: string | null = null
  walkXml(xml, {
    open: (name) => {
      current = name
    },
    text: (text) => {
      if (current && text.trim() !== '') found[current] = (found[current] ?? '') + text
    },
    close: () => {
      current = null
    },
  })
  const pick = (...names: string[]): string | undefined => names.map((n) => found[n]?.trim()).find((v) => v)
  const result: { title?: string; author?: string; date?: string } = {}
  const title = pick('dc:title')
  const author = pick('dc:creator', 'meta:initial-creator', 'cp:lastModifiedBy')
  const date = pick('dcterms:created', 'meta:creation-date', 'dcterms:modified', 'dc:date')
  if (title) result.title = title
  if (author) result.author = author
  if (date) result.date = date
  return result
}

import type { ChildDocument, DocumentMetadata, ParseOptions, TextBlock } from '../types.ts'
import { htmlToBlocks } from './html.ts'
import { textToBlocks } from './sections.ts'

const QUOTED = /^\s*>/

/** Plain-text body: quoted reply lines ("> ...") become quote blocks, everything else paragraphs. */
function plainBodyBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = []
  const lines = text.split(/\r\n?|\n/)
  let run: string[] = []
  let quoted = false
  const flush = (): void => {
    if (quoted) {
      const quote = run.map((l) => l.replace(/^\s*>+ ?/, '')).join('\n').trim()
      if (quote !== '') blocks.push({ kind: 'quote', text: quote })
    } else blocks.push(...textToBlocks(run.join('\n')))
    run = []
  }
  for (const line of lines) {
    if (QUOTED.test(line) !== quoted && run.length > 0) flush()
    quoted = QUOTED.test(line)
    run.push(line)
  }
  if (run.length > 0) flush()
  return blocks
}

export interface MailParts {
  subject?: string
  from?: string
  to: string[]
  date?: Date
  text?: string
  html?: string
}

/**
 * Shared by EML and MSG: the subject as heading, a header block (Von/An/Datum) so that a search for a sender finds
 * the mail, then the body, preferring the author's plain text over HTML.
 */
export function mailBlocks(mail: MailParts): { blocks: TextBlock[]; metadata: DocumentMetadata } {
  const blocks: TextBlock[] = []
  const metadata: DocumentMetadata = {}
  const subject = mail.subject?.trim()
  if (subject) {
    metadata.title = subject
    blocks.push({ kind: 'heading', level: 1, text: subject })
  }
  const header: string[] = []
  if (mail.from) {
    metadata.from = mail.from
    header.push(`Von: ${mail.from}`)
  }
  if (mail.to.length > 0) {
    metadata.to = mail.to
    header.push(`An: ${mail.to.join(', ')}`)
  }
  if (mail.date && !Number.isNaN(mail.date.getTime())) {
    metadata.date = mail.date.toISOString()
    header.push(`Datum: ${mail.date.toISOString().slice(0, 10)}`)
  }
  if (header.length > 0) blocks.push({ kind: 'header', text: header.join('\n') })
  if (mail.text?.trim()) blocks.push(...plainBodyBlocks(mail.text))
  else if (mail.html) blocks.push(...htmlToBlocks(mail.html).blocks)
  return { blocks, metadata }
}

/** Attachments nested deeper than the limit are dropped (the mail's own text is still indexed). */
export function attachmentsWithinDepth(children: ChildDocument[], options: ParseOptions): ChildDocument[] {
  return options.depth >= options.limits.maxZipDepth ? [] : children
}

import { simpleParser } from 'mailparser'
import type { AddressObject } from 'mailparser'
import type { ChildDocument, ParsedDocument, ParseOptions } from '../types.ts'
import { asParseError, untilAborted } from './failures.ts'
import { attachmentsWithinDepth, mailBlocks } from './mail-body.ts'

const EXTENSION_BY_TYPE: Record<string, string> = {
  'message/rfc822': '.eml',
  'application/pdf': '.pdf',
  'text/plain': '.txt',
  'text/html': '.html',
  'application/zip': '.zip',
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return []
  const entries = (Array.isArray(field) ? field : [field]).flatMap((a) => a.value)
  return entries.flatMap((v) => (v.group ?? [v]).map((g) => g.address || g.name)).filter((s) => !!s)
}

export async function parseEml(data: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  let mail: Awaited<ReturnType<typeof simpleParser>>
  try {
    mail = await untilAborted(
      simpleParser(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
        skipHtmlToText: true,
        skipImageLinks: true,
        skipTextToHtml: true,
        skipTextLinks: true,
      }),
      options.signal,
    )
  } catch (err) {
    throw asParseError(err, 'corrupt', 'E-Mail nicht lesbar')
  }
  const { blocks, metadata } = mailBlocks({
    subject: mail.subject,
    from: mail.from?.text,
    to: [...addresses(mail.to), ...addresses(mail.cc)],
    date: mail.date,
    text: mail.text,
    html: mail.html || undefined,
  })
  const children: ChildDocument[] = mail.attachments
    // images embedded in the HTML body (cid:) are decoration, not attachments
    .filter((a) => !a.related)
    .map((a, i) => ({
      name: a.filename || `anhang-${i + 1}${EXTENSION_BY_TYPE[a.contentType] ?? '.bin'}`,
      data: new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength),
    }))
  return { blocks, metadata, children: attachmentsWithinDepth(children, options), mime: 'message/rfc822' }
}

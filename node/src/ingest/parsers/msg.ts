import msgreader from '@kenjiuno/msgreader'
import type { FieldsData } from '@kenjiuno/msgreader'
import { ParseError } from '../types.ts'
import type { ChildDocument, ParsedDocument, ParseOptions } from '../types.ts'
import { asParseError, throwIfAborted } from './failures.ts'
import { attachmentsWithinDepth, mailBlocks } from './mail-body.ts'

type MsgReaderClass = typeof msgreader.default
// CommonJS with `exports.default`: Node's ESM loader hands over the exports object, a require hook the class itself
const loaded = msgreader as unknown as MsgReaderClass | { default: MsgReaderClass }
const MsgReader: MsgReaderClass = typeof loaded === 'function' ? loaded : loaded.default

function date(...values: (string | undefined)[]): Date | undefined {
  for (const value of values) {
    const parsed = value ? new Date(value) : undefined
    if (parsed && !Number.isNaN(parsed.getTime())) return parsed
  }
  return undefined
}

function sender(info: FieldsData): string | undefined {
  const address = info.senderSmtpAddress || info.sentRepresentingSmtpAddress || info.senderEmail
  if (info.senderName && address && info.senderName !== address) return `${info.senderName} <${address}>`
  return info.senderName || address || undefined
}

export async function parseMsg(data: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  throwIfAborted(options.signal)
  let reader: InstanceType<MsgReaderClass>
  let info: FieldsData
  try {
    const copy = data.slice()
    reader = new MsgReader(copy.buffer)
    info = reader.getFileData()
  } catch (err) {
    throw asParseError(err, 'corrupt', 'Outlook-Nachricht nicht lesbar')
  }
  if (info.error || info.dataType !== 'msg') throw new ParseError('corrupt', 'Keine Outlook-Nachricht')
  const recipients = (info.recipients ?? []).filter((r) => r.recipType !== 'bcc')
  const { blocks, metadata } = mailBlocks({
    subject: info.subject,
    from: sender(info),
    to: recipients.map((r) => r.smtpAddress || r.email || r.name || '').filter((s) => s !== ''),
    date: date(info.clientSubmitTime, info.messageDeliveryTime, info.creationTime),
    text: info.body,
    html: info.bodyHtml,
  })
  const children: ChildDocument[] = []
  for (const [i, attachment] of (info.attachments ?? []).entries()) {
    // hidden attachments are the images inside an HTML body
    if (attachment.attachmentHidden) continue
    try {
      const file = reader.getAttachment(attachment)
      children.push({ name: file.fileName || `anhang-${i + 1}.bin`, data: file.content })
    } catch (err) {
      throw asParseError(err, 'corrupt', 'Anhang der Outlook-Nachricht nicht lesbar')
    }
  }
  return { blocks, metadata, children: attachmentsWithinDepth(children, options), mime: 'application/vnd.ms-outlook' }
}

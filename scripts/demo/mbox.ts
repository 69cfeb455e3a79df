import { base64Lines, encodeAddress, encodeHeaderWords, mboxDate, quotedPrintable, rfc5322Date } from './mime.ts'

export interface Mail {
  from: string
  to: string[]
  cc?: string[]
  /** ISO with offset, e.g. 2026-01-15T09:12:00+01:00 */
  date: string
  subject: string
  messageId: string
  inReplyTo?: string
  body: string
  attachment?: { name: string; mime: string; data: Uint8Array }
}

function addressOnly(address: string): string {
  return /<([^>]+)>/.exec(address)?.[1] ?? address.trim()
}

function messageText(mail: Mail, index: number): string {
  const headers = [
    `From: ${encodeAddress(mail.from)}`,
    `To: ${mail.to.map(encodeAddress).join(',\n ')}`,
    ...(mail.cc && mail.cc.length > 0 ? [`Cc: ${mail.cc.map(encodeAddress).join(',\n ')}`] : []),
    `Subject: ${encodeHeaderWords(mail.subject)}`,
    `Date: ${rfc5322Date(mail.date)}`,
    `Message-ID: <${mail.messageId}>`,
    ...(mail.inReplyTo ? [`In-Reply-To: <${mail.inReplyTo}>`, `References: <${mail.inReplyTo}>`] : []),
    'MIME-Version: 1.0',
    'User-Agent: Mozilla Thunderbird',
  ]
  const textPart = [
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(mail.body),
  ]
  if (!mail.attachment) return [...headers, ...textPart].join('\n')
  const boundary = `------------Teil${String(index).padStart(4, '0')}Nettehoehe`
  const { name, mime, data } = mail.attachment
  return [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    'Dies ist eine mehrteilige Nachricht im MIME-Format.',
    `--${boundary}`,
    ...textPart,
    `--${boundary}`,
    `Content-Type: ${mime}; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(data),
    `--${boundary}--`,
  ].join('\n')
}

/** An mboxrd file as Thunderbird stores a local folder: `From ` separators, `>From` escaping, LF line ends. */
export function makeMbox(mails: Mail[]): string {
  return mails
    .map((mail, i) => {
      const text = messageText(mail, i + 1).replace(/^(>*From )/gm, '>$1')
      return `From ${addressOnly(mail.from)} ${mboxDate(mail.date)}\n${text}\n`
    })
    .join('\n')
}

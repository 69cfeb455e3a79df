/** The MIME encodings a real mail client would have used for German mail. */

const QP_LINE_CHARS = 76

export function quotedPrintable(text: string): string {
  return text.replace(/\r\n/g, '\n').split('\n').map(encodeQpLine).join('\n')
}

function encodeQpLine(line: string): string {
  const bytes = new TextEncoder().encode(line)
  const tokens: string[] = []
  bytes.forEach((byte, i) => {
    const isLast = i === bytes.length - 1
    const printable = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !isLast)
    tokens.push(printable ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)
  })
  // Merge multi-byte characters into one token so a soft break never splits an umlaut.
  const out: string[] = []
  let current = ''
  let i = 0
  while (i < tokens.length) {
    let token = tokens[i]!
    let byte = bytes[i]!
    i++
    if (byte >= 0xc0) {
      while (i < bytes.length && (bytes[i]! & 0xc0) === 0x80) {
        token += tokens[i]
        i++
      }
      byte = 0
    }
    if (current.length + token.length > QP_LINE_CHARS - 1) {
      out.push(`${current}=`)
      current = ''
    }
    current += token
  }
  out.push(current)
  return out.join('\n')
}

/** RFC 2047 encoded words (Q encoding), split so each stays within 75 characters. */
export function encodeHeaderWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text
  const words: string[] = []
  let current = ''
  for (const char of text) {
    const encoded = [...new TextEncoder().encode(char)]
      .map((byte) =>
        byte === 32
          ? '_'
          : /[A-Za-z0-9!*+\-/]/.test(String.fromCharCode(byte)) && byte < 128
            ? String.fromCharCode(byte)
            : `=${byte.toString(16).toUpperCase()}`,
      )
      .join('')
    if (current.length + encoded.length > 75 - '=?UTF-8?Q??='.length) {
      words.push(current)
      current = ''
    }
    current += encoded
  }
  words.push(current)
  return words.map((word) => `=?UTF-8?Q?${word}?=`).join('\n ')
}

/** `Petra Höfling <p.hoefling@…>` with the display name encoded where it needs to be. */
export function encodeAddress(address: string): string {
  const match = /^(.*?)\s*<([^>]+)>$/.exec(address.trim())
  if (!match || match[1] === '') return address.trim()
  const name = match[1]!.replace(/^"|"$/g, '')
  const display = /^[\x20-\x7e]*$/.test(name) ? (/[,.;:@]/.test(name) ? `"${name}"` : name) : encodeHeaderWords(name)
  return `${display} <${match[2]}>`
}

export function base64Lines(data: Uint8Array): string {
  return (
    Buffer.from(data)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\n')
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** `2026-01-15T09:12:00+01:00` as RFC 5322 `Thu, 15 Jan 2026 09:12:00 +0100`, keeping the sender's offset. */
export function rfc5322Date(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-]\d{2}):(\d{2})$/.exec(iso)
  if (!match) throw new Error(`Datum ${iso} ist nicht JJJJ-MM-TTThh:mm:ss+hh:mm`)
  const [, y, mo, d, h, mi, s, oh, om] = match
  const weekday = DAYS[new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay()]
  return `${weekday}, ${Number(d)} ${MONTHS[Number(mo) - 1]} ${y} ${h}:${mi}:${s} ${oh}${om}`
}

/** The asctime date on an mbox `From ` separator line, in UTC. */
export function mboxDate(iso: string): string {
  const date = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  const day = String(date.getUTCDate()).padStart(2, ' ')
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${day} ${time} ${date.getUTCFullYear()}`
}

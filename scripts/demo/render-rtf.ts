import type { DocInfo } from './info.ts'
import { type Block, inlineRuns } from './markdown.ts'

const TWIPS_TEXT_WIDTH = 9070

/**
 * RTF escapes: Latin-1 characters (ä ö ü ß §) as \'xx in code page 1252, everything else outside ASCII
 * („ “ – €) as \uN? with a plain fallback character, which every RTF reader since Word 97 understands.
 */
export function rtfEscape(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (char === '\\' || char === '{' || char === '}') out += `\\${char}`
    else if (code < 0x80) out += char
    else if (code >= 0xa0 && code <= 0xff) out += `\\'${code.toString(16)}`
    else if (code <= 0xffff) out += `\\u${code > 0x7fff ? code - 0x10000 : code}?`
    else out += '?'
  }
  return out
}

function runs(text: string): string {
  return inlineRuns(text)
    .map((run) => (run.bold ? `{\\b ${rtfEscape(run.text)}}` : rtfEscape(run.text)))
    .join('')
}

function blockRtf(block: Block): string {
  switch (block.kind) {
    case 'heading': {
      const size = [32, 26, 23, 22][block.level - 1] ?? 22
      return `{\\pard\\sb240\\sa120\\keepn\\b\\fs${size} ${runs(block.text)}\\par}`
    }
    case 'paragraph':
      return block.text
        .split('\n')
        .map((line) => `{\\pard\\qj\\sa160\\sl276\\slmult1 ${runs(line)}\\par}`)
        .join('\n')
    case 'quote':
      return `{\\pard\\li567\\sa120 ${block.text.split('\n').map(runs).join('\\line ')}\\par}`
    case 'list':
      return block.items
        .map((item, i) => `{\\pard\\li567\\fi-283\\sa60 ${block.ordered ? `${i + 1}.` : "\\'95"}\\tab ${runs(item)}\\par}`)
        .join('\n')
    case 'table': {
      const columns = Math.max(...block.rows.map((row) => row.length))
      const width = Math.floor(TWIPS_TEXT_WIDTH / columns)
      const cellDefs = Array.from(
        { length: columns },
        (_, c) => `\\clbrdrt\\brdrs\\clbrdrl\\brdrs\\clbrdrb\\brdrs\\clbrdrr\\brdrs\\cellx${width * (c + 1)}`,
      )
      const rows = block.rows.map((row, r) => {
        const cells = Array.from(
          { length: columns },
          (_, c) => `\\pard\\intbl ${r === 0 ? `{\\b ${rtfEscape(row[c] ?? '')}}` : rtfEscape(row[c] ?? '')}\\cell`,
        )
        return `\\trowd\\trgaph108${cellDefs.join('')}\n${cells.join(' ')}\\row`
      })
      return `${rows.join('\n')}\n\\pard\\sa120\\par`
    }
  }
}

export function renderRtf(blocks: Block[], info: DocInfo): Uint8Array {
  const [year, month, day] = info.date.split('-').map(Number)
  const header = [
    '{\\rtf1\\ansi\\ansicpg1252\\deff0\\deflang1031',
    '{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}',
    `{\\info{\\title ${rtfEscape(info.title)}}{\\author ${rtfEscape(info.author)}}{\\company ${rtfEscape(info.issuer)}}`,
    `{\\creatim\\yr${year}\\mo${month}\\dy${day}\\hr8\\min0}}`,
    '\\paperw11906\\paperh16838\\margl1418\\margr1418\\margt1134\\margb1134',
    '\\viewkind4\\uc1\\f0\\fs22',
    `{\\header\\pard\\fs18 ${rtfEscape(info.issuer)}\\par}`,
  ]
  const body = blocks.map(blockRtf)
  // RTF is 7-bit text: every non-ASCII character above is already escaped.
  return new TextEncoder().encode(`${[...header, ...body].join('\n')}\n}\n`)
}

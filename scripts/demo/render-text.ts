import type { DocInfo } from './info.ts'
import { type Block, plain } from './markdown.ts'

const LINE_WIDTH = 78

/** Wraps at word boundaries, as a text editor with a 78-column habit would have saved it. */
function wrap(text: string, indent = ''): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + word.length + 1 > LINE_WIDTH) {
      lines.push(indent + line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') lines.push(indent + line)
  return lines.join('\n')
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'heading': {
      const text = plain(block.text)
      if (block.level === 1) return `${text}\n${'='.repeat(Math.min(text.length, LINE_WIDTH))}`
      if (block.level === 2) return `${text}\n${'-'.repeat(Math.min(text.length, LINE_WIDTH))}`
      return text
    }
    case 'paragraph':
      return plain(block.text)
        .split('\n')
        .map((line) => wrap(line))
        .join('\n')
    case 'quote':
      return block.text
        .split('\n')
        .map((line) => `    ${plain(line)}`)
        .join('\n')
    case 'list':
      return block.items
        .map((item, i) => wrap(`${block.ordered ? `${i + 1}.` : '-'} ${plain(item)}`, '').replace(/\n/g, '\n   '))
        .join('\n')
    case 'table': {
      const widths = block.rows[0]!.map((_, c) => Math.max(...block.rows.map((row) => (row[c] ?? '').length)))
      return block.rows
        .map((row) =>
          row
            .map((cell, c) => cell.padEnd(widths[c]!))
            .join('  ')
            .trimEnd(),
        )
        .join('\n')
    }
  }
}

/** Plain text with Windows line endings, as documents saved from Notepad on a Windows client are. */
export function renderText(blocks: Block[], _info: DocInfo): Uint8Array {
  return new TextEncoder().encode(`${blocks.map(blockText).join('\n\n')}\n`.replace(/\n/g, '\r\n'))
}

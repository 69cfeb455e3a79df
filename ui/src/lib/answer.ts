/** A piece of an answer as the chat shows it. */
export type AnswerPart = { kind: 'text'; text: string } | { kind: 'strong'; text: string } | { kind: 'cite'; n: number }

const CITATION = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g
const STRONG = /\*\*([^*\n]+)\*\*/g

/**
 * Splits an answer into paragraphs of text, bold runs (the extractive answer marks matches with **…**) and
 * citation markers. `[2]` or `[1, 3]` become citations only when that number was cited, so a number the model
 * invented stays plain text and never links to a wrong passage.
 */
export function answerParagraphs(answer: string, cited: ReadonlySet<number>): AnswerPart[][] {
  return answer
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => inline(p, cited))
}

function inline(paragraph: string, cited: ReadonlySet<number>): AnswerPart[] {
  const parts: AnswerPart[] = []
  let pos = 0
  for (const m of paragraph.matchAll(CITATION)) {
    const numbers = (m[1] as string).split(',').map((n) => Number(n.trim()))
    if (!numbers.every((n) => cited.has(n))) continue
    pushText(parts, paragraph.slice(pos, m.index))
    for (const n of numbers) parts.push({ kind: 'cite', n })
    pos = m.index + m[0].length
  }
  pushText(parts, paragraph.slice(pos))
  return parts
}

function pushText(parts: AnswerPart[], text: string): void {
  let pos = 0
  for (const m of text.matchAll(STRONG)) {
    if (m.index > pos) parts.push({ kind: 'text', text: text.slice(pos, m.index) })
    parts.push({ kind: 'strong', text: m[1] as string })
    pos = m.index + m[0].length
  }
  if (pos < text.length) parts.push({ kind: 'text', text: text.slice(pos) })
}

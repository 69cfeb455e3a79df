import type { TextBlock } from '../types.ts'

/** Longer lines are body text that happens to start with a § citation, not a section title. */
const MAX_SECTION_HEADING_CHARS = 150
const MAX_SECTION_HEADING_WORDS = 14
/** A title printed on the line after a bare "§ 3" is short. */
const MAX_SPLIT_TITLE_CHARS = 100
export const SECTION_HEADING_LEVEL = 2

// "§ 3 Gebühren", "§12a Inkrafttreten", "§ 4. Fälligkeit", "§ 7 (weggefallen)", and "§ 2Grundsätze" as PDF text
// layers often glue it; "§§ 3 und 4" is a citation.
const SECTION_START = /^§(?!§)\s*\d{1,4}\s?[a-z]?(?=$|[\s.:)–-]|\p{Lu})/u
const GLUED_TITLE = /^(§\s*\d{1,4}[a-z]?)(?=\p{Lu})/u
/** Dot leaders: a line of a table of contents, which names the section but does not start it. */
const TOC_LEADER = /\.{4,}|…{2,}|(\s\.){4,}/
const BARE_SECTION = /^§\s*\d{1,4}\s?[a-z]?\.?$/
const CITATION_WORD = /^(Abs|Absatz|Nr|Nummer|S|Satz|Halbsatz|Buchst|Buchstabe|Ziff|Ziffer|Alt|Var|Unterabs|UAbs|Anl|Anlage)\b/
const BULLET = /^([-*•–]|\d{1,3}[.)]|[a-z][.)])\s+\S/
const SECTION_SIGN = 0xa7 // §
const LINE_BREAK = /\r\n?|\n|\f/
/** runs of white space other than line breaks (\s without \r, \n and \f) */
const INLINE_SPACE = /[^\S\r\n\f]+/g
const HYPHENATED_END = /\p{Ll}-$/u
const LOWER_START = /^\p{Ll}/u

/** True for a line that opens a German legal section ("§ 3 Gebühren"), as opposed to one that cites one. */
export function isSectionHeading(line: string): boolean {
  const text = line.trim()
  if (text.charCodeAt(0) !== SECTION_SIGN || text.length > MAX_SECTION_HEADING_CHARS || TOC_LEADER.test(text)) return false
  const start = SECTION_START.exec(text)
  if (!start) return false
  const rest = text.slice(start[0].length).replace(/^[\s.:–-]+/, '')
  if (rest === '') return true
  const words = rest.split(/\s+/)
  const first = words[0] as string
  // "§ 3 Abs. 2 ...", "§ 3 der Satzung ...", "§ 34 BauGB ...": a citation inside running text
  if (!/^[\p{Lu}(„"]/u.test(first) || CITATION_WORD.test(first) || /\p{Lu}.*\p{Lu}/u.test(first)) return false
  return !/[.,;:]$/.test(rest) && words.length <= MAX_SECTION_HEADING_WORDS
}

/**
 * Joins hard-wrapped lines and undoes end-of-line hyphenation ("Gebühren-\nordnung" → "Gebührenordnung"). The
 * pieces are joined once at the end, and the hyphenation test looks at the end of what was joined so far
 * (its last two characters, kept aside): testing the growing string itself made long paragraphs quadratic.
 */
function joinWrapped(lines: string[]): string {
  const pieces: string[] = []
  let tail = '' // the last two characters of the text joined so far
  for (const line of lines) {
    let separator = ''
    if (pieces.length > 0 && HYPHENATED_END.test(tail) && LOWER_START.test(line)) {
      pieces[pieces.length - 1] = (pieces[pieces.length - 1] as string).slice(0, -1)
      tail = tail.slice(0, -1)
    } else if (pieces.length > 0) separator = ' '
    pieces.push(separator, line)
    tail = line.length >= 2 ? line.slice(-2) : (tail + separator + line).slice(-2)
  }
  return pieces.join('')
}

/**
 * Turns raw text (TXT, PDF page, RTF, mail body) into blocks: blank lines separate paragraphs, and a line that opens
 * a § section becomes a level-2 heading so that the chunker cuts along sections.
 */
export function textToBlocks(text: string, page?: number): TextBlock[] {
  const blocks: TextBlock[] = []
  const at = (block: TextBlock): TextBlock => (page === undefined ? block : { ...block, page })
  let paragraph: string[] = []
  const flush = (): void => {
    if (paragraph.length === 0) return
    const isList = paragraph.length > 1 && paragraph.every((l) => BULLET.test(l))
    blocks.push(at({ kind: isList ? 'list' : 'paragraph', text: isList ? paragraph.join('\n') : joinWrapped(paragraph) }))
    paragraph = []
  }
  // white space inside lines collapsed in one pass over the text, not once per line
  const lines = text.replace(INLINE_SPACE, ' ').split(LINE_BREAK)
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim()
    if (line === '') {
      flush()
      continue
    }
    if (!isSectionHeading(line)) {
      paragraph.push(line)
      continue
    }
    flush()
    let heading = line.replace(GLUED_TITLE, '$1 ')
    const next = lines[i + 1]?.trim() ?? ''
    // statutes often print "§ 3" and its title on two lines
    if (BARE_SECTION.test(line) && next !== '' && next.length <= MAX_SPLIT_TITLE_CHARS && !next.startsWith('§') && !/[.,;]$/.test(next)) {
      heading = `${line} ${next.replace(/\s+/g, ' ')}`
      i++
    }
    blocks.push(at({ kind: 'heading', level: SECTION_HEADING_LEVEL, text: heading }))
  }
  flush()
  return blocks
}

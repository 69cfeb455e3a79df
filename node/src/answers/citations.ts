/**
 * `[1]`, `[1, 3]`, `[1; 3]` and `[Quelle 2]`: the forms models use to cite numbered passages. Numbers have at
 * most three digits so that years in brackets ("[2024]") are not mistaken for citations.
 */
const CITATION = /\[\s*(?:Quelle\s*)?(\d{1,3}(?:\s*[,;]\s*(?:Quelle\s*)?\d{1,3})*)\s*\]/gi
const NUMBER = /\d{1,3}/g

export interface CheckedCitations {
  /** the answer with every citation of a number outside the context removed */
  answer: string
  /** valid citation numbers in the order they first appear */
  cited: number[]
  /** citation numbers (each occurrence) that matched no passage */
  dropped: number
}

/**
 * Keeps citations of passages that were in the context (1..passageCount) and drops the others: a model, or a
 * passage that tries to instruct it, cannot make the answer point at a passage that was never retrieved.
 */
export function checkCitations(text: string, passageCount: number): CheckedCitations {
  const cited: number[] = []
  const seen = new Set<number>()
  let dropped = 0
  const answer = text.replace(CITATION, (_marker, list: string) => {
    const kept: number[] = []
    for (const digits of list.match(NUMBER) ?? []) {
      const n = Number(digits)
      if (n >= 1 && n <= passageCount) {
        if (!kept.includes(n)) kept.push(n)
        if (!seen.has(n)) {
          seen.add(n)
          cited.push(n)
        }
      } else {
        dropped++
      }
    }
    return kept.map((n) => `[${n}]`).join('')
  })
  return { answer: dropped > 0 ? tidy(answer) : answer, cited, dropped }
}

/** Removes the blanks a dropped citation leaves behind ("Text [9]." → "Text."). */
function tidy(text: string): string {
  return text.replace(/[ \t]+([.,;:!?])/g, '$1').replace(/[ \t]{2,}/g, ' ')
}

/** Removes citation markers, for earlier answers given to the model as conversation history. */
export function stripCitations(text: string): string {
  return tidy(text.replace(CITATION, ''))
}

import type { Block } from './markdown.ts'

/** What every renderer needs besides the blocks. Dates are YYYY-MM-DD. */
export interface DocInfo {
  title: string
  author: string
  date: string
  /** letterhead line, e.g. "Verbandsgemeindeverwaltung Nettehöhe · Hauptamt" */
  issuer: string
}

export type Renderer = (blocks: Block[], info: DocInfo) => Promise<Uint8Array> | Uint8Array

/** The fictional administration every demo document belongs to. */
export const DEMO_ISSUER = 'Verbandsgemeindeverwaltung Nettehöhe'

export function isoDateTime(date: string): string {
  return `${date}T08:00:00Z`
}

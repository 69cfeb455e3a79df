import { WissensnetzError } from '../../errors.ts'

/** The German word list (npm package dictionary-de) is not installed; compound splitting cannot work without it. */
export class LexiconMissingError extends WissensnetzError {
  constructor(pkg: string) {
    super('lexicon_missing', `Wörterbuch ${pkg} nicht gefunden (npm install)`, { status: 500, expose: false })
  }
}

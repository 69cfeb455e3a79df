// snowball-stemmers ships no types; this is the part of its API we use. It is CommonJS with __esModule set,
// so only its named exports work the same under Node's ESM loader and under tsx's CommonJS transform.
declare module 'snowball-stemmers' {
  export interface Stemmer {
    stem(word: string): string
  }
  export function newStemmer(language: string): Stemmer
  export function algorithms(): string[]
}

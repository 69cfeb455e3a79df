import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dictionaryDir } from './lexicon.ts'
import { normalizeWord } from './normalize.ts'
import { referenceStem, snowballGermanAscii, stemGerman } from './stem.ts'

/** Every 7th entry of the German dictionary: thousands of real words of every shape. */
function dictionarySample(): string[] {
  const words = readFileSync(join(dictionaryDir(), 'index.dic'), 'utf8')
    .split('\n')
    .filter((_, i) => i % 7 === 0)
    .map((line) => normalizeWord(line.split('/')[0] as string))
  return words.filter((w) => /^[a-z]+$/.test(w))
}

test('the direct Snowball German gives the same stems as the snowball-stemmers package', () => {
  const edgeCases = ['bauen', 'treue', 'mayer', 'kenntnisse', 'ergebnissen', 'schnellsten', 'festest', 'bedeutendsten',
    'hoflichkeit', 'lustigkeit', 'ewigkeit', 'heiligkeit', 'kindheit', 'freundlicheren', 'erledigung', 'beendigung',
    'kritisch', 'kritischen', 'aa', 'ab', 'abc', 'aus', 'uuu', 'yyy', 'ayaya', 'geist', 'kunst', 'lebst', 'gebuhren']
  const mismatches: string[] = []
  for (const word of [...edgeCases, ...dictionarySample()]) {
    const expected = referenceStem(word)
    if (snowballGermanAscii(word) !== expected) mismatches.push(`${word}: ${snowballGermanAscii(word)} ≠ ${expected}`)
  }
  assert.equal(mismatches.slice(0, 10), [])
})

test('stems of inflected forms meet', () => {
  assert.is(stemGerman('gebuhren'), stemGerman('gebuhr'))
  assert.is(stemGerman('verfahrens'), 'verfahr')
  assert.is(stemGerman('ergebnisse'), stemGerman('ergebnis'))
})

test.run()

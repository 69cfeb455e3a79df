import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { splitCompound } from './compound.ts'
import { germanLexicon, lexiconFromWords } from './lexicon.ts'

const small = lexiconFromWords(['Arbeit', 'Amt', 'Samt', 'Bau', 'Genehmigung', 'Verfahren', 'Tag', 'Ordnung', 'Kind', 'Garten', 'Vorlage'])

test('splits at linking elements and prefers fewer, longer parts', () => {
  assert.equal(splitCompound('arbeitsamt', small), ['arbeit', 'amt'])
  assert.equal(splitCompound('tagesordnung', small), ['tag', 'ordnung'])
  assert.equal(splitCompound('kindergarten', small), ['kind', 'garten'])
  assert.equal(splitCompound('baugenehmigungsverfahren', small), ['bau', 'genehmigung', 'verfahren'])
})

test('the last part may be inflected', () => {
  assert.equal(splitCompound('baugenehmigungsverfahrens', small), ['bau', 'genehmigung', 'verfahrens'])
  assert.equal(splitCompound('bauamtes', small), ['bau', 'amtes'])
})

test('words that are not made of known parts are left alone', () => {
  assert.is(splitCompound('verwaltung', small), undefined)
  assert.is(splitCompound('amt', small), undefined, 'too short to be a compound')
  assert.is(splitCompound('bauxyz', small), undefined)
})

test('the German word list splits municipal compounds', () => {
  const lexicon = germanLexicon()
  assert.equal(splitCompound('gemeinderatssitzung', lexicon)?.at(-1), 'sitzung')
  assert.equal(splitCompound('burgermeisteramt', lexicon), ['burger', 'meister', 'amt'])
  assert.equal(splitCompound('beschlussvorlage', lexicon), ['beschluss', 'vorlage'])
  assert.ok(lexicon.isWord('karlsruhe'), 'place names are words, not compounds to split')
})

test.run()

import { normalizeWord } from './normalize.ts'

/**
 * Function words that carry no topic. German: the Snowball list (without "weg", which is also the noun "Weg")
 * plus question words and frequent auxiliaries, because clerks type questions. English: a short list of words
 * that are not also German content words ("not", "will", "kind" stay out), so that English questions against
 * German text are not dominated by "the" and "of". Compared in folded form ("für" and "fuer" are both "fur").
 */
const GERMAN = `ab aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm andern
anders auch auf aus bei beim bin bis bist bzw da dabei damit dann darauf darin darum das dass daß dazu dein deine deinem
deinen deiner deines dem den denen denn der deren derer des dessen dich die dies diese diesem diesen dieser dieses doch dort
du durch ein eine einem einen einer eines einig einige einigem einigen einiger einiges einmal er es etwa etwas euch euer eure
eurem euren eurer eures für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem
ihren ihrer ihres im in indem ins ist ja jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine
keinem keinen keiner keines können könnte man manche manchem manchen mancher manches mein meine meinem meinen meiner meines
mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sei seien sein seine seinem seinen seiner seines seit
selbst sich sie sind so solche solchem solchen solcher solches soll sollte sondern sonst sowie sowohl über um und uns unser
unsere unserem unseren unserer unseres unter viel viele vielen vom von vor während wann war waren warst warum was weil weiter
welche welchem welchen welcher welches wem wen wenn wer werde werden wessen wie wieder wieso will wir wird wirst wo wodurch
woher wohin wollen wollte worden wurde wurden würde würden zu zum zur zwar zwischen`

const ENGLISH = `about after all an and are as at be been but by can could did do does for from had has have he her his how
if into is it its many much of on or she should than that the their them then there these they this those to was were what
when where which who whom whose why with would you`

function toSet(list: string): Set<string> {
  const set = new Set<string>()
  for (const word of list.split(/\s+/)) if (word !== '') set.add(normalizeWord(word))
  return set
}

/** Folded stopwords (German and English). */
export const STOPWORDS: ReadonlySet<string> = toSet(`${GERMAN} ${ENGLISH}`)

export function isStopword(folded: string): boolean {
  return STOPWORDS.has(folded)
}

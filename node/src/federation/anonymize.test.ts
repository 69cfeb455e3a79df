import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { anonymize } from './anonymize.ts'

const sent = (q: string): string => anonymize(q).text

const REMOVED: Array<[string, string, string]> = [
  // [question, personal datum that must not leave, kind]
  ['Wie ist der Stand beim Bauantrag von Herrn Klaus Becker?', 'Becker', 'name'],
  ['Frau Dr. Schmitz hat Widerspruch eingelegt', 'Schmitz', 'name'],
  ['Anna Schmidt beantragt Wohngeld', 'Anna', 'name'],
  ['Anna Schmidt beantragt Wohngeld', 'Schmidt', 'name'],
  ['Beschwerde von Yilmaz wegen Lärm', 'Yilmaz', 'name'],
  ['Antrag der Eheleute Kowalski auf Befreiung', 'Kowalski', 'name'],
  ['Herr Bauer möchte eine Garage bauen', 'Bauer', 'name'],
  ['Frau Bürgermeisterin Wagner bittet um Vorlage', 'Wagner', 'name'],
  ['Anbau in der Hauptstraße 12, 56727 Mayen', 'Hauptstraße 12', 'address'],
  ['Grundstück Koblenzer Straße 7a', 'Koblenzer Straße 7a', 'address'],
  ['Lärm Am Markt 3', 'Am Markt 3', 'address'],
  ['Rückruf unter 0261 1234567 erbeten', '1234567', 'phone'],
  ['Tel.: +49 (0) 2651 / 88-123', '88-123', 'phone'],
  ['Mail an peter.mueller@example.de weiterleiten', 'peter.mueller@example.de', 'email'],
  ['Erstattung auf DE89 3704 0044 0532 0130 00', '3704', 'iban'],
  ['Steuer-ID 12 345 678 901 fehlt', '678', 'tax_id'],
  ['Steuernummer 22/815/08154', '08154', 'tax_id'],
  ['Antragsteller geb. am 03.04.1978 in Andernach', '03.04.1978', 'birth_date'],
  ['Geburtsdatum: 1985-11-02', '1985-11-02', 'birth_date'],
  ['Fahrzeug MYK-AB 123 falsch geparkt', 'MYK-AB 123', 'licence_plate'],
  ['Kennzeichen KO XY 99 abgeschleppt', 'KO XY 99', 'licence_plate'],
  ['Kassenzeichen 5.1234.567890.1 offen', '567890', 'file_number'],
  ['Vorgang Az. 6-610/2023/0042 Widerspruch', '0042', 'file_number'],
  ['Personalnummer 004711 Urlaubsantrag', '004711', 'file_number'],
  ['Versicherungsnummer 12 150385 M 123', '150385', 'file_number'],
]

for (const [question, secret, kind] of REMOVED) {
  test(`removes ${kind}: ${question}`, () => {
    const result = anonymize(question)
    assert.not.ok(result.text.includes(secret), `"${secret}" left the node: ${result.text}`)
    assert.ok(
      result.redactions.some((r) => r.kind === kind),
      `kinds: ${result.redactions.map((r) => r.kind).join(',')}`,
    )
  })
}

/** The preview shows what was removed by its kind: an eleven-digit phone number must not read as a tax id. */
const LABELLED: Array<[string, string]> = [
  // [question, what is sent]
  ['Tel. 02632 123456', 'Tel. [TELEFON]'],
  ['Telefon: 0261 / 9876-54', 'Telefon: [TELEFON]'],
  ['Fon 02632 123456', 'Fon [TELEFON]'],
  ['Mobil 0171 2345678', 'Mobil [TELEFON]'],
  ['Rückruf unter +49 2632 123456', 'Rückruf unter [TELEFON]'],
  ['Bitte 02632 123456 zurückrufen', 'Bitte [TELEFON] zurückrufen'],
  ['0171 2345678 ab 14 Uhr', '[TELEFON] ab 14 Uhr'],
  ['Steuer-ID 12 345 678 901 fehlt', 'Steuer-ID [STEUER-ID] fehlt'],
  ['Steueridentifikationsnummer 12345678901', 'Steueridentifikationsnummer [STEUER-ID]'],
  ['Mitteilung der 12345678901 an das Finanzamt', 'Mitteilung der [STEUER-ID] an das Finanzamt'],
  ['Steuer-ID: 12 345 678 901, Tel. 02632 123456', 'Steuer-ID: [STEUER-ID], Tel. [TELEFON]'],
  ['Erstattung auf DE89 3704 0044 0532 0130 00', 'Erstattung auf [IBAN]'],
  ['Personalnummer 02632123456 Urlaubsantrag', 'Personalnummer [AKTENZEICHEN] Urlaubsantrag'],
  // a number shaped like a tax id but starting with 0 is no Steuer-ID and no usual phone format: still removed
  ['Nummer 02 632 123 456', 'Nummer [STEUER-ID]'],
]

for (const [question, expected] of LABELLED) {
  test(`labels what it removed: ${question}`, () => {
    assert.is(sent(question), expected)
  })
}

const KEPT = [
  'Welche Gebühren gelten für eine Baugenehmigung nach § 34 BauGB?',
  'Satzung über die Erhebung von Hundesteuer vom 12.03.2020',
  'Aktenzeichen 6-610 Bauleitplanung Koblenz',
  'Barrierefreiheit nach DIN 18040 im Rathaus Mayen',
  'Wie lange dauert eine Sondernutzungserlaubnis für die Straße vor dem Rathaus?',
  'Im Sommer gilt die Winterdienstsatzung nicht',
  'Haushaltsplan 2024 Seite 123',
  'Richtlinie zur Förderung von Photovoltaik auf Dächern',
  'Beschluss 2024/0815 vom 12.03.2024',
  'Sitzung am 3. Mai 2024 um 18 Uhr',
]

for (const question of KEPT) {
  test(`keeps a question without personal data: ${question}`, () => {
    assert.is(sent(question), question)
  })
}

test('redaction ranges point at the original text and the output is deterministic', () => {
  const q = 'Herr Klaus Becker, Hauptstraße 12, Tel. 0261 1234567'
  const a = anonymize(q)
  assert.equal(anonymize(q), a)
  for (const r of a.redactions) assert.ok(r.start >= 0 && r.end <= q.length && r.start < r.end)
  assert.is(a.text, 'Herr [NAME], [ADRESSE], Tel. [TELEFON]')
})

test.run()

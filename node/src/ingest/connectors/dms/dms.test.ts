import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setQuiet } from '../../../log.ts'
import type { SourceItem } from '../../types.ts'
import { createDmsConnector } from './index.ts'

setQuiet(true)

const BOM = '\uFEFF'

async function makeExport(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'wn-dms-'))
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), content)
  }
  return root
}

async function scanAll(location: string): Promise<Map<string, SourceItem>> {
  const items = new Map<string, SourceItem>()
  for await (const item of createDmsConnector({ location }).scan(new AbortController().signal)) items.set(item.path, item)
  return items
}

test('JSON sidecars give Aktenzeichen, Betreff, dates and department; sidecars are no items', async () => {
  const root = await makeExport({
    'Bauamt/Bescheid_Carport.pdf': '%PDF-1.4 Bescheid',
    'Bauamt/Bescheid_Carport.pdf.meta.json': JSON.stringify({
      Aktenzeichen: '6-610-12/2024',
      Betreff: 'Baugenehmigung Carport, Lindenstraße 4',
      Vorgang: 'Bauantrag Carport',
      Datum: '14.03.2024',
      'Aufbewahrung bis': '31.12.2034',
      Organisationseinheit: 'Bauamt',
      Verfasser: 'J. Weißgerber',
      Dokumentart: 'Bescheid',
    }),
    'Hauptamt/Vermerk.txt': 'Vermerk',
    'Hauptamt/Vermerk.txt.json': JSON.stringify({ metadaten: { aktenzeichen: '0-024/2023', datum: '2023-11-02', abteilung: 'Hauptamt' } }),
    'Hauptamt/einstellungen.json': '{"nicht": "metadaten"}',
    'Hauptamt/verwaist.pdf.meta.json': '{"Betreff": "gehört zu keiner Datei"}',
  })
  try {
    const items = await scanAll(root)
    assert.equal([...items.keys()], ['Bauamt/Bescheid_Carport.pdf', 'Hauptamt/Vermerk.txt', 'Hauptamt/einstellungen.json'])
    const bescheid = items.get('Bauamt/Bescheid_Carport.pdf')!
    assert.is(bescheid.fileName, 'Bescheid_Carport.pdf')
    assert.equal(bescheid.metadata, {
      aktenzeichen: '6-610-12/2024',
      betreff: 'Baugenehmigung Carport, Lindenstraße 4',
      title: 'Baugenehmigung Carport, Lindenstraße 4',
      vorgang: 'Bauantrag Carport',
      date: '2024-03-14',
      retentionUntil: '2034-12-31',
      department: 'Bauamt',
      author: 'J. Weißgerber',
      extra: { Dokumentart: 'Bescheid', metadataSource: 'Bescheid_Carport.pdf.meta.json' },
    })
    assert.is(new TextDecoder().decode(await bescheid.read()), '%PDF-1.4 Bescheid')
    const vermerk = items.get('Hauptamt/Vermerk.txt')!
    assert.is(vermerk.metadata?.aktenzeichen, '0-024/2023')
    assert.is(vermerk.metadata?.date, '2023-11-02')
    assert.is(items.get('Hauptamt/einstellungen.json')?.metadata, undefined)
  } finally {
    await rm(root, { recursive: true })
  }
})

test('a semicolon CSV index with BOM, German dates and Windows paths describes files in subfolders', async () => {
  const csv = [
    'Dateiname;Aktenzeichen;Betreff;Vorgang;Datum;Aufbewahrungsfrist;Abteilung',
    'Ordnungsamt\\Winterdienst_2023.txt;3-32-01/2023;"Winterdienst; Einsatzplan 2023/24";Winterdienst;01.10.2023;10 Jahre;Ordnungsamt',
    'Finanzen/Hundesteuer_alt.txt;2-21-05/2014;Hundesteuer Mahnung;Hundesteuer;12.05.2014;31.12.2020;Finanzen',
    'fehlt.pdf;1-1/2024;Gibt es nicht;;01.01.2024;;',
  ].join('\r\n')
  const root = await makeExport({
    'metadata.csv': BOM + csv,
    'Ordnungsamt/Winterdienst_2023.txt': 'Einsatzplan',
    'Finanzen/Hundesteuer_alt.txt': 'Mahnung',
    'Finanzen/ohne_metadaten.txt': 'nichts',
  })
  try {
    const items = await scanAll(root)
    assert.equal([...items.keys()], ['Finanzen/Hundesteuer_alt.txt', 'Finanzen/ohne_metadaten.txt', 'Ordnungsamt/Winterdienst_2023.txt'])
    const winter = items.get('Ordnungsamt/Winterdienst_2023.txt')!.metadata!
    assert.is(winter.betreff, 'Winterdienst; Einsatzplan 2023/24')
    assert.is(winter.date, '2023-10-01')
    assert.is(winter.retentionUntil, '2033-12-31', 'ten years counted from the end of 2023')
    assert.is(winter.department, 'Ordnungsamt')
    assert.is(winter.extra?.metadataSource, 'metadata.csv Zeile 2')
    assert.is(items.get('Finanzen/Hundesteuer_alt.txt')!.metadata!.retentionUntil, '2020-12-31', 'expired documents are still delivered')
    assert.is(items.get('Finanzen/ohne_metadaten.txt')!.metadata, undefined)
  } finally {
    await rm(root, { recursive: true })
  }
})

test('a broken sidecar or CSV row does not stop the scan and says what is wrong', async () => {
  const csv = [
    'Datei;Aktenzeichen;Betreff;Datum;Löschdatum',
    'a.txt;1-01/2024;Gute Zeile;02.01.2024;31.12.2031',
    'b.txt;1-02/2024;Falsches Datum;31.02.2024;irgendwann',
    'c.txt;1-03/2024;zu;viele;Spalten;hier',
    'd.txt;1-04/2024;"nie geschlossen;01.01.2024;',
    'e.txt;1-05/2024;Nach der kaputten Zeile;05.01.2024;',
  ].join('\n')
  const root = await makeExport({
    'metadata.csv': csv,
    'a.txt': 'a',
    'a.txt.meta.json': '{ "Betreff": "abgeschnitten", ',
    'b.txt': 'b',
    'c.txt': 'c',
    'd.txt': 'd',
    'e.txt': 'e',
    'f.txt': 'f',
    'f.txt.meta.json': '["keine", "Metadaten"]',
  })
  try {
    const items = await scanAll(root)
    assert.equal([...items.keys()], ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt'])
    const a = items.get('a.txt')!.metadata!
    assert.is(a.aktenzeichen, '1-01/2024', 'the index row still applies when the sidecar is broken')
    assert.ok(a.extra?.sidecarError?.includes('a.txt.meta.json: Metadatendatei ist kein gültiges JSON'))
    const b = items.get('b.txt')!.metadata!
    assert.is(b.date, undefined)
    assert.is(b.retentionUntil, undefined)
    assert.ok(b.extra?.sidecarError?.includes('metadata.csv Zeile 3: Datum „31.02.2024“ ist kein gültiges Datum'))
    assert.ok(b.extra?.sidecarError?.includes('Aufbewahrung „irgendwann“ ist kein Datum'))
    assert.is(b.aktenzeichen, '1-02/2024', 'what could be read is kept')
    assert.ok(items.get('c.txt')!.metadata!.extra?.sidecarError?.includes('Zeile 4: 6 statt 5 Spalten'))
    assert.is(items.get('c.txt')!.metadata!.betreff, undefined, 'shifted columns are not trusted')
    assert.ok(items.get('d.txt')!.metadata!.extra?.sidecarError?.includes('Anführungszeichen nicht geschlossen'))
    assert.is(items.get('e.txt')!.metadata!.betreff, 'Nach der kaputten Zeile')
    assert.ok(items.get('f.txt')!.metadata!.extra?.sidecarError?.includes('kein JSON-Objekt'))
  } finally {
    await rm(root, { recursive: true })
  }
})

test('the file sidecar wins over the index, field by field', async () => {
  const root = await makeExport({
    'index.csv': 'Datei,Aktenzeichen,Betreff,Datum\nplan.txt,5-1/2022,Betreff aus dem Index,2022-04-01\n',
    'plan.txt': 'plan',
    'plan.txt.meta.json': JSON.stringify({ Betreff: 'Betreff aus dem Sidecar', aufbewahrung_bis: '2040-06-30' }),
  })
  try {
    const plan = (await scanAll(root)).get('plan.txt')!.metadata!
    assert.is(plan.betreff, 'Betreff aus dem Sidecar')
    assert.is(plan.title, 'Betreff aus dem Sidecar')
    assert.is(plan.aktenzeichen, '5-1/2022')
    assert.is(plan.date, '2022-04-01')
    assert.is(plan.retentionUntil, '2040-06-30')
    assert.is(plan.extra?.metadataSource, 'index.csv Zeile 2, plan.txt.meta.json')
  } finally {
    await rm(root, { recursive: true })
  }
})

test('an index written in Windows-1252 keeps its umlauts', async () => {
  // "Löschdatum;Straßenausbau" in Windows-1252: ö = F6, ß = DF
  const latin = (text: string): Uint8Array => Uint8Array.from([...text].map((c) => c.charCodeAt(0)))
  const root = await makeExport({
    'export.csv': latin('Datei;Betreff;L\xF6schdatum\nx.txt;Stra\xDFenausbau Gr\xFCner Weg;01.01.2030\n'),
    'x.txt': 'x',
  })
  try {
    const x = (await scanAll(root)).get('x.txt')!.metadata!
    assert.is(x.betreff, 'Straßenausbau Grüner Weg')
    assert.is(x.retentionUntil, '2030-01-01')
  } finally {
    await rm(root, { recursive: true })
  }
})

test('a CSV named index.csv without a file column is an ordinary document', async () => {
  const root = await makeExport({ 'index.csv': 'Ort;Einwohner\nRauschenbach;4200\n' })
  try {
    assert.equal([...(await scanAll(root)).keys()], ['index.csv'])
  } finally {
    await rm(root, { recursive: true })
  }
})

test('a missing export folder is reported as an unavailable source', async () => {
  const scan = createDmsConnector({ location: join(tmpdir(), 'wn-dms-gibt-es-nicht') }).scan(new AbortController().signal)
  try {
    for await (const _ of scan) assert.unreachable()
    assert.unreachable()
  } catch (error) {
    assert.is((error as Error).name, 'DmsExportUnavailableError')
  }
})

test('an aborted scan stops with AbortError', async () => {
  const root = await makeExport({ 'a.txt': 'a' })
  const controller = new AbortController()
  controller.abort()
  try {
    for await (const _ of createDmsConnector({ location: root }).scan(controller.signal)) assert.unreachable()
    assert.unreachable()
  } catch (error) {
    assert.is((error as Error).name, 'AbortError')
  } finally {
    await rm(root, { recursive: true })
  }
})

test('watch reports the document whose sidecar changed', async () => {
  const root = await makeExport({ 'bescheid.txt': 'x', 'bescheid.txt.meta.json': '{"Betreff": "alt"}' })
  let report!: (paths?: string[]) => void
  const reported = new Promise<string[] | undefined>((resolve) => {
    report = resolve
  })
  const stop = await createDmsConnector({ location: root, watchDebounceMs: 100 }).watch!((paths) => report(paths))
  try {
    await writeFile(join(root, 'bescheid.txt.meta.json'), '{"Betreff": "neu"}')
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no change reported')), 8000).unref())
    assert.equal(await Promise.race([reported, timeout]), ['bescheid.txt'])
  } finally {
    await stop()
    await rm(root, { recursive: true })
  }
})

test.run()

/**
 * Builds the demo corpus under demo/ from the texts in scripts/demo-texts/: the file share (demo/ablage), the
 * Bauamt mailbox (demo/postfach-bauamt.mbox) and the DMS export (demo/dms-export). Deterministic: running it twice
 * yields the same bytes, so the committed outputs only change when a text or a renderer does.
 *
 *   node --import tsx scripts/make-demo.ts
 */
process.env.TZ = 'UTC'

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeCorruptPdf } from './demo/corrupt.ts'
import { type DmsRecord, dmsRecord, makeMetadataCsv } from './demo/dms.ts'
import { type DemoText, parseDemoText } from './demo/markdown.ts'
import { type Mail, makeMbox } from './demo/mbox.ts'
import { renderDocument } from './demo/render.ts'
import { makeZip, type ZipEntry } from './demo/zip.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const TEXTS = join(ROOT, 'scripts', 'demo-texts')
const OUT = join(ROOT, 'demo')
/** The generated parts of demo/; demo/README.md is written by hand and left alone. */
const GENERATED = ['ablage', 'dms-export', 'postfach-bauamt.mbox']

const MIME_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

interface Loaded {
  path: string
  text: DemoText
}

async function loadTexts(dir: string): Promise<Loaded[]> {
  const entries = (await readdir(join(TEXTS, dir), { withFileTypes: true, recursive: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => relative(TEXTS, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort()
  return Promise.all(entries.map(async (path) => ({ path, text: parseDemoText(await readFile(join(TEXTS, path), 'utf8')) })))
}

function outputName(path: string, format: string): string {
  return `${path.slice(path.indexOf('/') + 1).replace(/\.md$/, '')}.${format}`
}

async function write(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(join(OUT, path)), { recursive: true })
  await writeFile(join(OUT, path), data)
}

async function buildShare(): Promise<number> {
  const zips = new Map<string, ZipEntry[]>()
  let count = 0
  for (const { path, text } of await loadTexts('ablage')) {
    const data = await renderDocument(text, path)
    const name = `ablage/${outputName(path, String(text.meta.format))}`
    if (typeof text.meta.zip === 'string') {
      // Documents of a zip are written into it, not beside it: the archive is what the share holds.
      const zipPath = `${dirname(name)}/${text.meta.zip}`
      const entries = zips.get(zipPath) ?? []
      entries.push({ name: name.slice(name.lastIndexOf('/') + 1), data })
      zips.set(zipPath, entries)
    } else {
      await write(name, data)
    }
    count++
  }
  for (const [zipPath, entries] of zips) await write(zipPath, makeZip(entries))
  await write('ablage/Bauamt/Scan_defekt.pdf', makeCorruptPdf())
  return count
}

async function buildMailbox(): Promise<number> {
  const texts = await loadTexts('postfach-bauamt')
  const attachments = new Map(
    texts.filter((t) => t.path.includes('/anhaenge/')).map((t) => [t.path.slice(t.path.lastIndexOf('/') + 1), t.text]),
  )
  const mails: Mail[] = []
  for (const { path, text } of texts.filter((t) => !t.path.includes('/anhaenge/'))) {
    const meta = text.meta
    const attachment = meta.attachment as { text: string; name: string } | undefined
    let attached: Mail['attachment']
    if (attachment) {
      const source = attachments.get(attachment.text)
      if (!source) throw new Error(`${path}: Anhang ${attachment.text} fehlt`)
      const format = attachment.name.slice(attachment.name.lastIndexOf('.') + 1)
      attached = {
        name: attachment.name,
        mime: MIME_TYPES[format] ?? 'application/octet-stream',
        data: await renderDocument(source, attachment.text, format),
      }
    }
    mails.push({
      from: String(meta.from),
      to: ([] as string[]).concat(meta.to as string | string[]),
      ...(meta.cc ? { cc: ([] as string[]).concat(meta.cc as string | string[]) } : {}),
      date: String(meta.date),
      subject: String(meta.subject),
      messageId: String(meta.messageId),
      ...(meta.inReplyTo ? { inReplyTo: String(meta.inReplyTo) } : {}),
      body: text.body,
      ...(attached ? { attachment: attached } : {}),
    })
  }
  mails.sort((a, b) => Date.parse(a.date) - Date.parse(b.date))
  await write('postfach-bauamt.mbox', makeMbox(mails))
  return mails.length
}

async function buildDmsExport(): Promise<number> {
  const rows: DmsRecord[] = []
  const texts = await loadTexts('dms-export')
  for (const { path, text } of texts) {
    const name = outputName(path, String(text.meta.format))
    const { record, inCsv, sidecar } = dmsRecord(text, path)
    await write(`dms-export/${name}`, await renderDocument(text, path))
    if (inCsv) rows.push({ Dateiname: name, ...record })
    if (sidecar) await write(`dms-export/${name}.meta.json`, `${JSON.stringify(sidecar, null, 2)}\n`)
  }
  await write('dms-export/metadata.csv', makeMetadataCsv(rows))
  return texts.length
}

for (const part of GENERATED) await rm(join(OUT, part), { recursive: true, force: true })
const share = await buildShare()
const mails = await buildMailbox()
const dms = await buildDmsExport()
process.stdout.write(`demo/: ${share} Dokumente in der Ablage, ${mails} E-Mails, ${dms} DMS-Dokumente\n`)

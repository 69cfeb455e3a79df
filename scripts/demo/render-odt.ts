import type { DocInfo } from './info.ts'
import { isoDateTime } from './info.ts'
import { type Block, inlineRuns } from './markdown.ts'
import { makeZip, xmlEscape } from './zip.ts'

const NS = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
  'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
].join(' ')

const MIMETYPE = 'application/vnd.oasis.opendocument.text'

function spans(text: string): string {
  if (text.includes('\n')) return text.split('\n').map(spans).join('<text:line-break/>')
  return inlineRuns(text)
    .map((run) => (run.bold ? `<text:span text:style-name="Fett">${xmlEscape(run.text)}</text:span>` : xmlEscape(run.text)))
    .join('')
}

function blockXml(block: Block, tableIndex: number): string {
  switch (block.kind) {
    case 'heading':
      return `<text:h text:style-name="Heading_20_${block.level}" text:outline-level="${block.level}">${spans(block.text)}</text:h>`
    case 'paragraph':
      return `<text:p text:style-name="Text_20_body">${spans(block.text)}</text:p>`
    case 'quote':
      return block.text
        .split('\n')
        .map((line) => `<text:p text:style-name="Quotations">${spans(line)}</text:p>`)
        .join('')
    case 'list': {
      const items = block.items.map((item) => `<text:list-item><text:p text:style-name="Listenabsatz">${spans(item)}</text:p></text:list-item>`)
      return `<text:list text:style-name="${block.ordered ? 'Nummerierung' : 'Aufzaehlung'}">${items.join('')}</text:list>`
    }
    case 'table': {
      const columns = Math.max(...block.rows.map((row) => row.length))
      const rows = block.rows.map((row, r) => {
        const cells = Array.from({ length: columns }, (_, c) => {
          const style = r === 0 ? 'Tabellenkopf' : 'Table_20_Contents'
          return `<table:table-cell table:style-name="Zelle" office:value-type="string"><text:p text:style-name="${style}">${xmlEscape(row[c] ?? '')}</text:p></table:table-cell>`
        })
        const row_ = `<table:table-row>${cells.join('')}</table:table-row>`
        return r === 0 ? `<table:table-header-rows>${row_}</table:table-header-rows>` : row_
      })
      return `<table:table table:name="Tabelle${tableIndex}" table:style-name="Tabelle"><table:table-column table:number-columns-repeated="${columns}"/>${rows.join('')}</table:table>`
    }
  }
}

function contentXml(blocks: Block[]): string {
  let tables = 0
  const body = blocks.map((block) => blockXml(block, block.kind === 'table' ? ++tables : 0)).join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ${NS} office:version="1.3">
<office:automatic-styles>
<style:style style:name="Fett" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Tabelle" style:family="table"><style:table-properties style:width="16.5cm" table:align="margins"/></style:style>
<style:style style:name="Zelle" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #808080"/></style:style>
<text:list-style style:name="Aufzaehlung"><text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.635cm" fo:text-indent="-0.635cm" fo:margin-left="0.635cm"/></style:list-level-properties></text:list-level-style-bullet></text:list-style>
<text:list-style style:name="Nummerierung"><text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.635cm" fo:text-indent="-0.635cm" fo:margin-left="0.635cm"/></style:list-level-properties></text:list-level-style-number></text:list-style>
</office:automatic-styles>
<office:body><office:text>
${body}
</office:text></office:body>
</office:document-content>
`
}

function stylesXml(info: DocInfo): string {
  const heading = (level: number, size: string) =>
    `<style:style style:name="Heading_20_${level}" style:display-name="Heading ${level}" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="${level}" style:class="text"><style:text-properties fo:font-size="${size}" fo:font-weight="bold"/></style:style>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles ${NS} office:version="1.3">
<office:font-face-decls><style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'" style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit"/><style:text-properties style:font-name="Liberation Sans" fo:font-size="11pt" fo:language="de" fo:country="DE"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:margin-top="0.42cm" fo:margin-bottom="0.21cm" fo:keep-with-next="always"/></style:style>
${heading(1, '16pt')}
${heading(2, '13pt')}
${heading(3, '11.5pt')}
${heading(4, '11pt')}
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.25cm" fo:line-height="115%" fo:text-align="justify"/></style:style>
<style:style style:name="Listenabsatz" style:family="paragraph" style:parent-style-name="Standard" style:class="list"><style:paragraph-properties fo:margin-bottom="0.1cm"/></style:style>
<style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Standard" style:class="html"><style:paragraph-properties fo:margin-left="1cm" fo:margin-bottom="0.1cm"/></style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
<style:style style:name="Tabellenkopf" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-size="9pt" fo:color="#555555"/></style:style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="Seite"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.5cm" fo:margin-bottom="2cm" fo:margin-left="2.5cm" fo:margin-right="2cm"/><style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.4cm"/></style:header-style></style:page-layout>
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="Seite"><style:header><text:p text:style-name="Header">${xmlEscape(info.issuer)}</text:p></style:header></style:master-page>
</office:master-styles>
</office:document-styles>
`
}

function metaXml(info: DocInfo): string {
  const date = isoDateTime(info.date)
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta ${NS} office:version="1.3"><office:meta>
<meta:generator>Wissensnetz Demo</meta:generator>
<dc:title>${xmlEscape(info.title)}</dc:title>
<meta:initial-creator>${xmlEscape(info.author)}</meta:initial-creator>
<dc:creator>${xmlEscape(info.author)}</dc:creator>
<meta:creation-date>${date}</meta:creation-date>
<dc:date>${date}</dc:date>
<dc:language>de-DE</dc:language>
</office:meta></office:document-meta>
`
}

const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${MIMETYPE}"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
`

/** An OpenDocument text package: `mimetype` first and stored, then manifest, content, styles and meta. */
export function renderOdt(blocks: Block[], info: DocInfo): Uint8Array {
  return makeZip([
    { name: 'mimetype', data: MIMETYPE, store: true },
    { name: 'META-INF/manifest.xml', data: MANIFEST },
    { name: 'content.xml', data: contentXml(blocks) },
    { name: 'styles.xml', data: stylesXml(info) },
    { name: 'meta.xml', data: metaXml(info) },
  ])
}

import type { DocInfo } from './info.ts'
import { isoDateTime } from './info.ts'
import { type Block, inlineRuns } from './markdown.ts'
import { el, XML_DECLARATION, xmlEscape } from './xml.ts'
import { makeZip } from './zip.ts'

const NAMESPACES = {
  'xmlns:office': 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
  'xmlns:style': 'urn:oasis:names:tc:opendocument:xmlns:style:1.0',
  'xmlns:text': 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
  'xmlns:table': 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
  'xmlns:fo': 'urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0',
  'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
  'xmlns:meta': 'urn:oasis:names:tc:opendocument:xmlns:meta:1.0',
  'xmlns:svg': 'urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0',
  'office:version': '1.3',
}

const MIMETYPE = 'application/vnd.oasis.opendocument.text'

function spans(text: string): string {
  return inlineRuns(text)
    .map((run) => (run.bold ? el('text:span', { 'text:style-name': 'Fett' }, xmlEscape(run.text)) : xmlEscape(run.text)))
    .join('')
}

function paragraph(style: string, text: string): string {
  return el('text:p', { 'text:style-name': style }, spans(text))
}

function blockXml(block: Block, tableIndex: number): string {
  switch (block.kind) {
    case 'heading':
      return el('text:h', { 'text:style-name': `Heading_20_${block.level}`, 'text:outline-level': block.level }, spans(block.text))
    case 'paragraph':
      // One paragraph per hard line: extractors that drop line breaks would otherwise glue the lines together.
      return block.text
        .split('\n')
        .map((line) => paragraph('Text_20_body', line))
        .join('')
    case 'quote':
      return block.text
        .split('\n')
        .map((line) => paragraph('Quotations', line))
        .join('')
    case 'list': {
      const items = block.items.map((item) => el('text:list-item', {}, paragraph('Listenabsatz', item)))
      return el('text:list', { 'text:style-name': block.ordered ? 'Nummerierung' : 'Aufzaehlung' }, ...items)
    }
    case 'table': {
      const columns = Math.max(...block.rows.map((row) => row.length))
      const rows = block.rows.map((row, r) => {
        const cells = Array.from({ length: columns }, (_, c) =>
          el(
            'table:table-cell',
            { 'table:style-name': 'Zelle', 'office:value-type': 'string' },
            el('text:p', { 'text:style-name': r === 0 ? 'Tabellenkopf' : 'Table_20_Contents' }, xmlEscape(row[c] ?? '')),
          ),
        )
        const tableRow = el('table:table-row', {}, ...cells)
        return r === 0 ? el('table:table-header-rows', {}, tableRow) : tableRow
      })
      return el(
        'table:table',
        { 'table:name': `Tabelle${tableIndex}`, 'table:style-name': 'Tabelle' },
        el('table:table-column', { 'table:number-columns-repeated': columns }),
        ...rows,
      )
    }
  }
}

function listStyle(name: string, level: string): string {
  const indent = { 'text:list-tab-stop-position': '0.635cm', 'fo:text-indent': '-0.635cm', 'fo:margin-left': '0.635cm' }
  const properties = el(
    'style:list-level-properties',
    { 'text:list-level-position-and-space-mode': 'label-alignment' },
    el('style:list-level-label-alignment', { 'text:label-followed-by': 'listtab', ...indent }),
  )
  const levelStyle =
    level === 'bullet'
      ? el('text:list-level-style-bullet', { 'text:level': 1, 'text:bullet-char': '•' }, properties)
      : el('text:list-level-style-number', { 'text:level': 1, 'style:num-suffix': '.', 'style:num-format': '1' }, properties)
  return el('text:list-style', { 'style:name': name }, levelStyle)
}

function style(name: string, family: string, attributes: Record<string, string>, ...children: string[]): string {
  return el('style:style', { 'style:name': name, 'style:family': family, ...attributes }, ...children)
}

function contentXml(blocks: Block[]): string {
  let tables = 0
  const body = blocks.map((block) => blockXml(block, block.kind === 'table' ? ++tables : 0))
  const automaticStyles = [
    style('Fett', 'text', {}, el('style:text-properties', { 'fo:font-weight': 'bold' })),
    style('Tabelle', 'table', {}, el('style:table-properties', { 'style:width': '16.5cm', 'table:align': 'margins' })),
    style('Zelle', 'table-cell', {}, el('style:table-cell-properties', { 'fo:padding': '0.1cm', 'fo:border': '0.5pt solid #808080' })),
    listStyle('Aufzaehlung', 'bullet'),
    listStyle('Nummerierung', 'number'),
  ]
  return `${XML_DECLARATION}${el(
    'office:document-content',
    NAMESPACES,
    el('office:automatic-styles', {}, ...automaticStyles),
    el('office:body', {}, el('office:text', {}, ...body)),
  )}\n`
}

function stylesXml(info: DocInfo): string {
  const paragraphStyle = (name: string, parent: string, extra: Record<string, string>, ...children: string[]) =>
    style(name, 'paragraph', { 'style:parent-style-name': parent, ...extra }, ...children)
  const heading = (level: number, size: string) =>
    paragraphStyle(
      `Heading_20_${level}`,
      'Heading',
      {
        'style:display-name': `Heading ${level}`,
        'style:next-style-name': 'Text_20_body',
        'style:default-outline-level': String(level),
        'style:class': 'text',
      },
      el('style:text-properties', { 'fo:font-size': size, 'fo:font-weight': 'bold' }),
    )
  const styles = [
    el(
      'style:default-style',
      { 'style:family': 'paragraph' },
      el('style:paragraph-properties', { 'fo:hyphenation-ladder-count': 'no-limit' }),
      el('style:text-properties', {
        'style:font-name': 'Liberation Sans',
        'fo:font-size': '11pt',
        'fo:language': 'de',
        'fo:country': 'DE',
      }),
    ),
    style('Standard', 'paragraph', { 'style:class': 'text' }),
    paragraphStyle(
      'Heading',
      'Standard',
      { 'style:next-style-name': 'Text_20_body', 'style:class': 'text' },
      el('style:paragraph-properties', { 'fo:margin-top': '0.42cm', 'fo:margin-bottom': '0.21cm', 'fo:keep-with-next': 'always' }),
    ),
    heading(1, '16pt'),
    heading(2, '13pt'),
    heading(3, '11.5pt'),
    heading(4, '11pt'),
    paragraphStyle(
      'Text_20_body',
      'Standard',
      { 'style:display-name': 'Text body', 'style:class': 'text' },
      el('style:paragraph-properties', {
        'fo:margin-top': '0cm',
        'fo:margin-bottom': '0.25cm',
        'fo:line-height': '115%',
        'fo:text-align': 'justify',
      }),
    ),
    paragraphStyle(
      'Listenabsatz',
      'Standard',
      { 'style:class': 'list' },
      el('style:paragraph-properties', { 'fo:margin-bottom': '0.1cm' }),
    ),
    paragraphStyle(
      'Quotations',
      'Standard',
      { 'style:class': 'html' },
      el('style:paragraph-properties', { 'fo:margin-left': '1cm', 'fo:margin-bottom': '0.1cm' }),
    ),
    paragraphStyle('Table_20_Contents', 'Standard', { 'style:display-name': 'Table Contents', 'style:class': 'extra' }),
    paragraphStyle(
      'Tabellenkopf',
      'Table_20_Contents',
      { 'style:class': 'extra' },
      el('style:text-properties', { 'fo:font-weight': 'bold' }),
    ),
    paragraphStyle(
      'Header',
      'Standard',
      { 'style:class': 'extra' },
      el('style:text-properties', { 'fo:font-size': '9pt', 'fo:color': '#555555' }),
    ),
  ]
  const pageLayout = el(
    'style:page-layout',
    { 'style:name': 'Seite' },
    el('style:page-layout-properties', {
      'fo:page-width': '21cm',
      'fo:page-height': '29.7cm',
      'fo:margin-top': '1.5cm',
      'fo:margin-bottom': '2cm',
      'fo:margin-left': '2.5cm',
      'fo:margin-right': '2cm',
    }),
    el('style:header-style', {}, el('style:header-footer-properties', { 'fo:min-height': '0.6cm', 'fo:margin-bottom': '0.4cm' })),
  )
  const masterPage = el(
    'style:master-page',
    { 'style:name': 'Standard', 'style:page-layout-name': 'Seite' },
    el('style:header', {}, paragraph('Header', info.issuer)),
  )
  const fontFace = el('style:font-face', {
    'style:name': 'Liberation Sans',
    'svg:font-family': "'Liberation Sans'",
    'style:font-family-generic': 'swiss',
    'style:font-pitch': 'variable',
  })
  return `${XML_DECLARATION}${el(
    'office:document-styles',
    NAMESPACES,
    el('office:font-face-decls', {}, fontFace),
    el('office:styles', {}, ...styles),
    el('office:automatic-styles', {}, pageLayout),
    el('office:master-styles', {}, masterPage),
  )}\n`
}

function metaXml(info: DocInfo): string {
  const date = isoDateTime(info.date)
  return `${XML_DECLARATION}${el(
    'office:document-meta',
    NAMESPACES,
    el(
      'office:meta',
      {},
      el('meta:generator', {}, 'Wissensnetz Demo'),
      el('dc:title', {}, xmlEscape(info.title)),
      el('meta:initial-creator', {}, xmlEscape(info.author)),
      el('dc:creator', {}, xmlEscape(info.author)),
      el('meta:creation-date', {}, date),
      el('dc:date', {}, date),
      el('dc:language', {}, 'de-DE'),
    ),
  )}\n`
}

function manifestXml(): string {
  const entry = (path: string, type: string, extra: Record<string, string> = {}) =>
    el('manifest:file-entry', { 'manifest:full-path': path, ...extra, 'manifest:media-type': type })
  return `${XML_DECLARATION}${el(
    'manifest:manifest',
    { 'xmlns:manifest': 'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0', 'manifest:version': '1.3' },
    entry('/', MIMETYPE, { 'manifest:version': '1.3' }),
    entry('content.xml', 'text/xml'),
    entry('styles.xml', 'text/xml'),
    entry('meta.xml', 'text/xml'),
  )}\n`
}

/** An OpenDocument text package: `mimetype` first and stored, then manifest, content, styles and meta. */
export function renderOdt(blocks: Block[], info: DocInfo): Uint8Array {
  return makeZip([
    { name: 'mimetype', data: MIMETYPE, store: true },
    { name: 'META-INF/manifest.xml', data: manifestXml() },
    { name: 'content.xml', data: contentXml(blocks) },
    { name: 'styles.xml', data: stylesXml(info) },
    { name: 'meta.xml', data: metaXml(info) },
  ])
}

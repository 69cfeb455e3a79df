import type { DocInfo } from './info.ts'
import { isoDateTime } from './info.ts'
import { type Block, plain } from './markdown.ts'
import { el, XML_DECLARATION, xmlEscape } from './xml.ts'
import { makeZip, type ZipEntry } from './zip.ts'

/**
 * A PresentationML package written by hand: one master, a title layout and a title-and-content layout, a complete
 * theme (PowerPoint refuses files whose theme lacks any of the format scheme lists) and one slide per `##` heading.
 */

const NS_A = 'http://schemas.openxmlformats.org/drawingml/2006/main'
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const NS_P = 'http://schemas.openxmlformats.org/presentationml/2006/main'
const NAMESPACES = { 'xmlns:a': NS_A, 'xmlns:r': NS_R, 'xmlns:p': NS_P }
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const CONTENT_TYPE = 'application/vnd.openxmlformats-'

/** 16:9 slide size and the placeholder frames, in EMU. */
const SLIDE = { cx: 12192000, cy: 6858000 }
const FRAMES = {
  title: [838200, 365125, 10515600, 1325563],
  body: [838200, 1825625, 10515600, 4351338],
  centerTitle: [1524000, 1122363, 9144000, 2387600],
  subtitle: [1524000, 3602038, 9144000, 1655762],
} as const

interface Slide {
  title: string
  lines: string[]
  isTitle: boolean
}

function toSlides(blocks: Block[]): Slide[] {
  const slides: Slide[] = []
  for (const block of blocks) {
    if (block.kind === 'heading') {
      slides.push({ title: plain(block.text), lines: [], isTitle: block.level === 1 })
      continue
    }
    const slide = slides.at(-1)
    if (!slide) continue
    if (block.kind === 'list') slide.lines.push(...block.items.map(plain))
    else if (block.kind === 'table') slide.lines.push(...block.rows.map((row) => row.join(' – ')))
    else slide.lines.push(plain(block.text).replace(/\n/g, ' '))
  }
  return slides
}

const groupProperties =
  el('p:nvGrpSpPr', {}, el('p:cNvPr', { id: 1, name: '' }), el('p:cNvGrpSpPr'), el('p:nvPr')) +
  el(
    'p:grpSpPr',
    {},
    el(
      'a:xfrm',
      {},
      el('a:off', { x: 0, y: 0 }),
      el('a:ext', { cx: 0, cy: 0 }),
      el('a:chOff', { x: 0, y: 0 }),
      el('a:chExt', { cx: 0, cy: 0 }),
    ),
  )

function frame(box: readonly number[]): string {
  const [x, y, cx, cy] = box
  return (
    el('a:xfrm', {}, el('a:off', { x: x!, y: y! }), el('a:ext', { cx: cx!, cy: cy! })) + el('a:prstGeom', { prst: 'rect' }, el('a:avLst'))
  )
}

function textParagraph(text: string): string {
  return el('a:p', {}, el('a:r', {}, el('a:rPr', { lang: 'de-DE', dirty: 0 }), el('a:t', {}, xmlEscape(text))))
}

interface Placeholder {
  id: number
  name: string
  ph: Record<string, string>
  box?: readonly number[]
  lines?: string[]
  anchor?: string
  listStyle?: string
}

function placeholder(p: Placeholder): string {
  const paragraphs = p.lines && p.lines.length > 0 ? p.lines.map(textParagraph) : [el('a:p', {}, el('a:endParaRPr', { lang: 'de-DE' }))]
  return el(
    'p:sp',
    {},
    el(
      'p:nvSpPr',
      {},
      el('p:cNvPr', { id: p.id, name: p.name }),
      el('p:cNvSpPr', {}, el('a:spLocks', { noGrp: 1 })),
      el('p:nvPr', {}, el('p:ph', p.ph)),
    ),
    p.box ? el('p:spPr', {}, frame(p.box)) : el('p:spPr'),
    el(
      'p:txBody',
      {},
      el('a:bodyPr', p.anchor ? { anchor: p.anchor } : {}),
      p.listStyle ? el('a:lstStyle', {}, p.listStyle) : el('a:lstStyle'),
      ...paragraphs,
    ),
  )
}

function shapeTree(...shapes: string[]): string {
  return el('p:cSld', {}, el('p:spTree', {}, groupProperties, ...shapes))
}

const MASTER_MAPPING = el('p:clrMapOvr', {}, el('a:masterClrMapping'))

// The subtitle of the title slide inherits the body style; without this it would show bullets.
const SUBTITLE_LEVEL = el('a:lvl1pPr', { marL: 0, indent: 0, algn: 'ctr' }, el('a:buNone'), el('a:defRPr', { sz: 2000 }))

function slideXml(slide: Slide): string {
  const shapes = slide.isTitle
    ? [
        placeholder({ id: 2, name: 'Titel 1', ph: { type: 'ctrTitle' }, lines: [slide.title] }),
        placeholder({ id: 3, name: 'Untertitel 2', ph: { type: 'subTitle', idx: '1' }, lines: slide.lines }),
      ]
    : [
        placeholder({ id: 2, name: 'Titel 1', ph: { type: 'title' }, lines: [slide.title] }),
        placeholder({ id: 3, name: 'Inhalt 2', ph: { idx: '1' }, lines: slide.lines }),
      ]
  return XML_DECLARATION + el('p:sld', NAMESPACES, shapeTree(...shapes), MASTER_MAPPING)
}

function layoutXml(kind: 'title' | 'obj'): string {
  const shapes =
    kind === 'title'
      ? [
          placeholder({ id: 2, name: 'Titel 1', ph: { type: 'ctrTitle' }, box: FRAMES.centerTitle, anchor: 'b' }),
          placeholder({ id: 3, name: 'Untertitel 2', ph: { type: 'subTitle', idx: '1' }, box: FRAMES.subtitle, listStyle: SUBTITLE_LEVEL }),
        ]
      : [placeholder({ id: 2, name: 'Titel 1', ph: { type: 'title' } }), placeholder({ id: 3, name: 'Inhalt 2', ph: { idx: '1' } })]
  const name = kind === 'title' ? 'Titelfolie' : 'Titel und Inhalt'
  return (
    XML_DECLARATION +
    el(
      'p:sldLayout',
      { ...NAMESPACES, type: kind, preserve: 1 },
      el('p:cSld', { name }, el('p:spTree', {}, groupProperties, ...shapes)),
      MASTER_MAPPING,
    )
  )
}

function levelStyle(size: number, bullet: boolean, bold = false): string {
  const paragraphAttributes: Record<string, number> = bullet ? { marL: 228600, indent: -228600 } : {}
  return el(
    'a:lvl1pPr',
    { ...paragraphAttributes, algn: 'l', defTabSz: 914400, rtl: 0, eaLnBrk: 1, latinLnBrk: 0, hangingPunct: 1 },
    el('a:spcBef', {}, el('a:spcPts', { val: bullet ? 1000 : 0 })),
    ...(bullet ? [el('a:buFont', { typeface: 'Arial' }), el('a:buChar', { char: '•' })] : [el('a:buNone')]),
    el(
      'a:defRPr',
      { sz: size, b: bold ? 1 : 0, kern: 1200 },
      el('a:solidFill', {}, el('a:schemeClr', { val: 'tx1' })),
      el('a:latin', { typeface: bullet ? '+mn-lt' : '+mj-lt' }),
      el('a:ea', { typeface: '+mn-ea' }),
      el('a:cs', { typeface: '+mn-cs' }),
    ),
  )
}

function masterXml(): string {
  const colorMap = Object.fromEntries([
    ['bg1', 'lt1'],
    ['tx1', 'dk1'],
    ['bg2', 'lt2'],
    ['tx2', 'dk2'],
    ...[1, 2, 3, 4, 5, 6].map((n) => [`accent${n}`, `accent${n}`]),
    ['hlink', 'hlink'],
    ['folHlink', 'folHlink'],
  ])
  return (
    XML_DECLARATION +
    el(
      'p:sldMaster',
      NAMESPACES,
      el(
        'p:cSld',
        {},
        el('p:bg', {}, el('p:bgRef', { idx: 1001 }, el('a:schemeClr', { val: 'bg1' }))),
        el(
          'p:spTree',
          {},
          groupProperties,
          placeholder({ id: 2, name: 'Titelplatzhalter 1', ph: { type: 'title' }, box: FRAMES.title, lines: ['Titel'], anchor: 'ctr' }),
          placeholder({ id: 3, name: 'Textplatzhalter 2', ph: { type: 'body', idx: '1' }, box: FRAMES.body, lines: ['Text'] }),
        ),
      ),
      el('p:clrMap', colorMap),
      el(
        'p:sldLayoutIdLst',
        {},
        el('p:sldLayoutId', { id: 2147483649, 'r:id': 'rId1' }),
        el('p:sldLayoutId', { id: 2147483650, 'r:id': 'rId2' }),
      ),
      el(
        'p:txStyles',
        {},
        el('p:titleStyle', {}, levelStyle(3600, false, true)),
        el('p:bodyStyle', {}, levelStyle(2200, true)),
        el('p:otherStyle', {}, el('a:defPPr', {}, el('a:defRPr', { lang: 'de-DE' }))),
      ),
    )
  )
}

function themeXml(): string {
  const srgb = (name: string, color: string) => el(`a:${name}`, {}, el('a:srgbClr', { val: color }))
  const solid = el('a:solidFill', {}, el('a:schemeClr', { val: 'phClr' }))
  const line = el(
    'a:ln',
    { w: 6350, cap: 'flat', cmpd: 'sng', algn: 'ctr' },
    solid,
    el('a:prstDash', { val: 'solid' }),
    el('a:miter', { lim: 800000 }),
  )
  const font = (latin: string) => el('a:latin', { typeface: latin }) + el('a:ea', { typeface: '' }) + el('a:cs', { typeface: '' })
  const colors = el(
    'a:clrScheme',
    { name: 'Nettehöhe' },
    el('a:dk1', {}, el('a:sysClr', { val: 'windowText', lastClr: '000000' })),
    el('a:lt1', {}, el('a:sysClr', { val: 'window', lastClr: 'FFFFFF' })),
    srgb('dk2', '1F3A5F'),
    srgb('lt2', 'E7ECF2'),
    srgb('accent1', '2E6DA4'),
    srgb('accent2', '3F8F5A'),
    srgb('accent3', 'A5A5A5'),
    srgb('accent4', 'C9A227'),
    srgb('accent5', '5B9BD5'),
    srgb('accent6', 'B5533C'),
    srgb('hlink', '0563C1'),
    srgb('folHlink', '954F72'),
  )
  const fonts = el('a:fontScheme', { name: 'Office' }, el('a:majorFont', {}, font('Calibri Light')), el('a:minorFont', {}, font('Calibri')))
  const formats = el(
    'a:fmtScheme',
    { name: 'Office' },
    el('a:fillStyleLst', {}, solid, solid, solid),
    el('a:lnStyleLst', {}, line, line, line),
    el('a:effectStyleLst', {}, ...Array.from({ length: 3 }, () => el('a:effectStyle', {}, el('a:effectLst')))),
    el('a:bgFillStyleLst', {}, solid, solid, solid),
  )
  return (
    XML_DECLARATION +
    el(
      'a:theme',
      { 'xmlns:a': NS_A, name: 'Wissensnetz' },
      el('a:themeElements', {}, colors, fonts, formats),
      el('a:objectDefaults'),
      el('a:extraClrSchemeLst'),
    )
  )
}

function rels(entries: [string, string][]): string {
  const items = entries.map(([type, target], i) => el('Relationship', { Id: `rId${i + 1}`, Type: type, Target: target }))
  return XML_DECLARATION + el('Relationships', { xmlns: 'http://schemas.openxmlformats.org/package/2006/relationships' }, ...items)
}

function contentTypesXml(slideCount: number): string {
  const override = (part: string, type: string) => el('Override', { PartName: part, ContentType: `${CONTENT_TYPE}${type}` })
  const presentationml = 'officedocument.presentationml'
  return (
    XML_DECLARATION +
    el(
      'Types',
      { xmlns: 'http://schemas.openxmlformats.org/package/2006/content-types' },
      el('Default', { Extension: 'rels', ContentType: `${CONTENT_TYPE}package.relationships+xml` }),
      el('Default', { Extension: 'xml', ContentType: 'application/xml' }),
      override('/ppt/presentation.xml', `${presentationml}.presentation.main+xml`),
      override('/ppt/slideMasters/slideMaster1.xml', `${presentationml}.slideMaster+xml`),
      override('/ppt/slideLayouts/slideLayout1.xml', `${presentationml}.slideLayout+xml`),
      override('/ppt/slideLayouts/slideLayout2.xml', `${presentationml}.slideLayout+xml`),
      ...Array.from({ length: slideCount }, (_, i) => override(`/ppt/slides/slide${i + 1}.xml`, `${presentationml}.slide+xml`)),
      override('/ppt/theme/theme1.xml', 'officedocument.theme+xml'),
      override('/ppt/presProps.xml', `${presentationml}.presProps+xml`),
      override('/ppt/viewProps.xml', `${presentationml}.viewProps+xml`),
      override('/ppt/tableStyles.xml', `${presentationml}.tableStyles+xml`),
      override('/docProps/core.xml', 'package.core-properties+xml'),
      override('/docProps/app.xml', 'officedocument.extended-properties+xml'),
    )
  )
}

function presentationXml(slideCount: number): string {
  return (
    XML_DECLARATION +
    el(
      'p:presentation',
      { ...NAMESPACES, saveSubsetFonts: 1 },
      el('p:sldMasterIdLst', {}, el('p:sldMasterId', { id: 2147483648, 'r:id': 'rId1' })),
      el('p:sldIdLst', {}, ...Array.from({ length: slideCount }, (_, i) => el('p:sldId', { id: 256 + i, 'r:id': `rId${i + 2}` }))),
      el('p:sldSz', SLIDE),
      el('p:notesSz', { cx: 6858000, cy: 9144000 }),
      el('p:defaultTextStyle', {}, el('a:defPPr', {}, el('a:defRPr', { lang: 'de-DE' }))),
    )
  )
}

function corePropertiesXml(info: DocInfo): string {
  const date = isoDateTime(info.date)
  return (
    XML_DECLARATION +
    el(
      'cp:coreProperties',
      {
        'xmlns:cp': 'http://schemas.openxmlformats.org/package/2006/metadata/core-properties',
        'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
        'xmlns:dcterms': 'http://purl.org/dc/terms/',
        'xmlns:dcmitype': 'http://purl.org/dc/dcmitype/',
        'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      },
      el('dc:title', {}, xmlEscape(info.title)),
      el('dc:creator', {}, xmlEscape(info.author)),
      el('cp:lastModifiedBy', {}, xmlEscape(info.author)),
      el('dc:language', {}, 'de-DE'),
      el('dcterms:created', { 'xsi:type': 'dcterms:W3CDTF' }, date),
      el('dcterms:modified', { 'xsi:type': 'dcterms:W3CDTF' }, date),
    )
  )
}

function appPropertiesXml(info: DocInfo, slideCount: number): string {
  return (
    XML_DECLARATION +
    el(
      'Properties',
      {
        xmlns: 'http://schemas.openxmlformats.org/officeDocument/2006/extended-properties',
        'xmlns:vt': 'http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes',
      },
      el('Application', {}, 'Wissensnetz Demo'),
      el('PresentationFormat', {}, 'Breitbild'),
      el('Slides', {}, String(slideCount)),
      el('Company', {}, xmlEscape(info.issuer)),
    )
  )
}

export function renderPptx(blocks: Block[], info: DocInfo): Uint8Array {
  const slides = toSlides(blocks)
  const layoutRels = rels([[`${REL}/slideMaster`, '../slideMasters/slideMaster1.xml']])
  const entries: ZipEntry[] = [
    { name: '[Content_Types].xml', data: contentTypesXml(slides.length) },
    {
      name: '_rels/.rels',
      data: rels([
        [`${REL}/officeDocument`, 'ppt/presentation.xml'],
        ['http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties', 'docProps/core.xml'],
        [`${REL}/extended-properties`, 'docProps/app.xml'],
      ]),
    },
    { name: 'docProps/core.xml', data: corePropertiesXml(info) },
    { name: 'docProps/app.xml', data: appPropertiesXml(info, slides.length) },
    { name: 'ppt/presentation.xml', data: presentationXml(slides.length) },
    {
      name: 'ppt/_rels/presentation.xml.rels',
      data: rels([
        [`${REL}/slideMaster`, 'slideMasters/slideMaster1.xml'],
        ...slides.map((_, i): [string, string] => [`${REL}/slide`, `slides/slide${i + 1}.xml`]),
        [`${REL}/presProps`, 'presProps.xml'],
        [`${REL}/viewProps`, 'viewProps.xml'],
        [`${REL}/theme`, 'theme/theme1.xml'],
        [`${REL}/tableStyles`, 'tableStyles.xml'],
      ]),
    },
    { name: 'ppt/presProps.xml', data: XML_DECLARATION + el('p:presentationPr', NAMESPACES) },
    {
      name: 'ppt/viewProps.xml',
      data:
        XML_DECLARATION +
        el(
          'p:viewPr',
          NAMESPACES,
          el('p:normalViewPr', {}, el('p:restoredLeft', { sz: 15620 }), el('p:restoredTop', { sz: 94660 })),
          el('p:gridSpacing', { cx: 72008, cy: 72008 }),
        ),
    },
    {
      name: 'ppt/tableStyles.xml',
      data: XML_DECLARATION + el('a:tblStyleLst', { 'xmlns:a': NS_A, def: '{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}' }),
    },
    { name: 'ppt/theme/theme1.xml', data: themeXml() },
    { name: 'ppt/slideMasters/slideMaster1.xml', data: masterXml() },
    {
      name: 'ppt/slideMasters/_rels/slideMaster1.xml.rels',
      data: rels([
        [`${REL}/slideLayout`, '../slideLayouts/slideLayout1.xml'],
        [`${REL}/slideLayout`, '../slideLayouts/slideLayout2.xml'],
        [`${REL}/theme`, '../theme/theme1.xml'],
      ]),
    },
    { name: 'ppt/slideLayouts/slideLayout1.xml', data: layoutXml('title') },
    { name: 'ppt/slideLayouts/_rels/slideLayout1.xml.rels', data: layoutRels },
    { name: 'ppt/slideLayouts/slideLayout2.xml', data: layoutXml('obj') },
    { name: 'ppt/slideLayouts/_rels/slideLayout2.xml.rels', data: layoutRels },
    ...slides.flatMap((slide, i) => [
      { name: `ppt/slides/slide${i + 1}.xml`, data: slideXml(slide) },
      {
        name: `ppt/slides/_rels/slide${i + 1}.xml.rels`,
        data: rels([[`${REL}/slideLayout`, `../slideLayouts/slideLayout${slide.isTitle ? 1 : 2}.xml`]]),
      },
    ]),
  ]
  return makeZip(entries)
}

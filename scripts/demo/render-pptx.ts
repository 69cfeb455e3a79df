import type { DocInfo } from './info.ts'
import { isoDateTime } from './info.ts'
import { type Block, plain } from './markdown.ts'
import { makeZip, xmlEscape } from './zip.ts'

/**
 * A PresentationML package written by hand: one master, a title layout and a title-and-content layout, a complete
 * theme (PowerPoint refuses files whose theme lacks any of the format scheme lists) and one slide per `##` heading.
 */

const A = 'http://schemas.openxmlformats.org/drawingml/2006/main'
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const P = 'http://schemas.openxmlformats.org/presentationml/2006/main'
const NS = `xmlns:a="${A}" xmlns:r="${R}" xmlns:p="${P}"`
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

interface Slide {
  title: string
  lines: string[]
  isTitle: boolean
}

const GROUP_PROPS =
  '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>'

// The subtitle of the title slide inherits the body style; without this it would show bullets.
const SUBTITLE_LEVEL = '<a:lvl1pPr marL="0" indent="0" algn="ctr"><a:buNone/><a:defRPr sz="2000"/></a:lvl1pPr>'

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
    else slide.lines.push(plain(block.text))
  }
  return slides
}

function placeholder(id: number, name: string, ph: string, xfrm: string, paragraphs: string[], anchor = '', listStyle = ''): string {
  const body = paragraphs.length > 0 ? paragraphs.join('') : '<a:p><a:endParaRPr lang="de-DE"/></a:p>'
  return `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="${name}"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>${ph}</p:nvPr></p:nvSpPr><p:spPr>${xfrm}</p:spPr><p:txBody><a:bodyPr${anchor}/>${listStyle === '' ? '<a:lstStyle/>' : `<a:lstStyle>${listStyle}</a:lstStyle>`}${body}</p:txBody></p:sp>`
}

function paragraph(text: string): string {
  text = text.replace(/\n/g, ' ')
  return `<a:p><a:r><a:rPr lang="de-DE" dirty="0"/><a:t>${xmlEscape(text)}</a:t></a:r></a:p>`
}

function xfrm(x: number, y: number, cx: number, cy: number): string {
  return `<a:xfrm><a:off x="${x}" y="${y}"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>`
}

function slideXml(slide: Slide): string {
  const shapes = slide.isTitle
    ? placeholder(2, 'Titel 1', '<p:ph type="ctrTitle"/>', '', [paragraph(slide.title)]) +
      placeholder(3, 'Untertitel 2', '<p:ph type="subTitle" idx="1"/>', '', slide.lines.map(paragraph))
    : placeholder(2, 'Titel 1', '<p:ph type="title"/>', '', [paragraph(slide.title)]) +
      placeholder(3, 'Inhalt 2', '<p:ph idx="1"/>', '', slide.lines.map(paragraph))
  return `${XML_HEAD}<p:sld ${NS}><p:cSld><p:spTree>${GROUP_PROPS}${shapes}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`
}

function layoutXml(kind: 'title' | 'obj'): string {
  const shapes =
    kind === 'title'
      ? placeholder(2, 'Titel 1', '<p:ph type="ctrTitle"/>', xfrm(1524000, 1122363, 9144000, 2387600), [], ' anchor="b"') +
        placeholder(3, 'Untertitel 2', '<p:ph type="subTitle" idx="1"/>', xfrm(1524000, 3602038, 9144000, 1655762), [], '', SUBTITLE_LEVEL)
      : placeholder(2, 'Titel 1', '<p:ph type="title"/>', '', []) + placeholder(3, 'Inhalt 2', '<p:ph idx="1"/>', '', [])
  const name = kind === 'title' ? 'Titelfolie' : 'Titel und Inhalt'
  return `${XML_HEAD}<p:sldLayout ${NS} type="${kind}" preserve="1"><p:cSld name="${name}"><p:spTree>${GROUP_PROPS}${shapes}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`
}

function levelStyle(size: number, bullet: boolean, bold = false): string {
  const bulletXml = bullet ? '<a:buFont typeface="Arial"/><a:buChar char="•"/>' : '<a:buNone/>'
  const indent = bullet ? ' marL="228600" indent="-228600"' : ''
  return `<a:lvl1pPr${indent} algn="l" defTabSz="914400" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1"><a:spcBef><a:spcPts val="${bullet ? 1000 : 0}"/></a:spcBef>${bulletXml}<a:defRPr sz="${size}" b="${bold ? 1 : 0}" kern="1200"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill><a:latin typeface="${bullet ? '+mn-lt' : '+mj-lt'}"/><a:ea typeface="+mn-ea"/><a:cs typeface="+mn-cs"/></a:defRPr></a:lvl1pPr>`
}

const MASTER = `${XML_HEAD}<p:sldMaster ${NS}><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>${GROUP_PROPS}${placeholder(
  2,
  'Titelplatzhalter 1',
  '<p:ph type="title"/>',
  xfrm(838200, 365125, 10515600, 1325563),
  [paragraph('Titel')],
  ' anchor="ctr"',
)}${placeholder(3, 'Textplatzhalter 2', '<p:ph type="body" idx="1"/>', xfrm(838200, 1825625, 10515600, 4351338), [paragraph('Text')])}</p:spTree></p:cSld><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/><p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/><p:sldLayoutId id="2147483650" r:id="rId2"/></p:sldLayoutIdLst><p:txStyles><p:titleStyle>${levelStyle(3600, false, true)}</p:titleStyle><p:bodyStyle>${levelStyle(2200, true)}</p:bodyStyle><p:otherStyle><a:defPPr><a:defRPr lang="de-DE"/></a:defPPr></p:otherStyle></p:txStyles></p:sldMaster>`

const solid = (color: string) => `<a:solidFill><a:schemeClr val="${color}"/></a:solidFill>`
const THEME = `${XML_HEAD}<a:theme xmlns:a="${A}" name="Wissensnetz"><a:themeElements><a:clrScheme name="Nettehöhe"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="1F3A5F"/></a:dk2><a:lt2><a:srgbClr val="E7ECF2"/></a:lt2><a:accent1><a:srgbClr val="2E6DA4"/></a:accent1><a:accent2><a:srgbClr val="3F8F5A"/></a:accent2><a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="C9A227"/></a:accent4><a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="B5533C"/></a:accent6><a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme><a:fontScheme name="Office"><a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="Office"><a:fillStyleLst>${solid('phClr').repeat(3)}</a:fillStyleLst><a:lnStyleLst>${`<a:ln w="6350" cap="flat" cmpd="sng" algn="ctr">${solid('phClr')}<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>`.repeat(3)}</a:lnStyleLst><a:effectStyleLst>${'<a:effectStyle><a:effectLst/></a:effectStyle>'.repeat(3)}</a:effectStyleLst><a:bgFillStyleLst>${solid('phClr').repeat(3)}</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>`

function rels(entries: [string, string][]): string {
  const items = entries.map(([type, target], i) => `<Relationship Id="rId${i + 1}" Type="${type}" Target="${target}"/>`)
  return `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${items.join('')}</Relationships>`
}

export function renderPptx(blocks: Block[], info: DocInfo): Uint8Array {
  const slides = toSlides(blocks)
  const date = isoDateTime(info.date)
  const override = (part: string, type: string) => `<Override PartName="${part}" ContentType="application/vnd.openxmlformats-${type}"/>`
  const contentTypes = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${[
    override('/ppt/presentation.xml', 'officedocument.presentationml.presentation.main+xml'),
    override('/ppt/slideMasters/slideMaster1.xml', 'officedocument.presentationml.slideMaster+xml'),
    override('/ppt/slideLayouts/slideLayout1.xml', 'officedocument.presentationml.slideLayout+xml'),
    override('/ppt/slideLayouts/slideLayout2.xml', 'officedocument.presentationml.slideLayout+xml'),
    ...slides.map((_, i) => override(`/ppt/slides/slide${i + 1}.xml`, 'officedocument.presentationml.slide+xml')),
    override('/ppt/theme/theme1.xml', 'officedocument.theme+xml'),
    override('/ppt/presProps.xml', 'officedocument.presentationml.presProps+xml'),
    override('/ppt/viewProps.xml', 'officedocument.presentationml.viewProps+xml'),
    override('/ppt/tableStyles.xml', 'officedocument.presentationml.tableStyles+xml'),
    override('/docProps/core.xml', 'package.core-properties+xml'),
    override('/docProps/app.xml', 'officedocument.extended-properties+xml'),
  ].join('')}</Types>`
  const presentation = `${XML_HEAD}<p:presentation ${NS} saveSubsetFonts="1"><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst><p:sldIdLst>${slides
    .map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 2}"/>`)
    .join(
      '',
    )}</p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/><p:defaultTextStyle><a:defPPr><a:defRPr lang="de-DE"/></a:defPPr></p:defaultTextStyle></p:presentation>`
  const presentationRels = rels([
    [`${REL}/slideMaster`, 'slideMasters/slideMaster1.xml'],
    ...slides.map((_, i): [string, string] => [`${REL}/slide`, `slides/slide${i + 1}.xml`]),
    [`${REL}/presProps`, 'presProps.xml'],
    [`${REL}/viewProps`, 'viewProps.xml'],
    [`${REL}/theme`, 'theme/theme1.xml'],
    [`${REL}/tableStyles`, 'tableStyles.xml'],
  ])
  const core = `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${xmlEscape(info.title)}</dc:title><dc:creator>${xmlEscape(info.author)}</dc:creator><cp:lastModifiedBy>${xmlEscape(info.author)}</cp:lastModifiedBy><dc:language>de-DE</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">${date}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${date}</dcterms:modified></cp:coreProperties>`
  const app = `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Wissensnetz Demo</Application><PresentationFormat>Breitbild</PresentationFormat><Slides>${slides.length}</Slides><Company>${xmlEscape(info.issuer)}</Company></Properties>`
  const layoutRels = rels([[`${REL}/slideMaster`, '../slideMasters/slideMaster1.xml']])
  return makeZip([
    { name: '[Content_Types].xml', data: contentTypes },
    {
      name: '_rels/.rels',
      data: rels([
        [`${REL}/officeDocument`, 'ppt/presentation.xml'],
        ['http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties', 'docProps/core.xml'],
        [`${REL}/extended-properties`, 'docProps/app.xml'],
      ]),
    },
    { name: 'docProps/core.xml', data: core },
    { name: 'docProps/app.xml', data: app },
    { name: 'ppt/presentation.xml', data: presentation },
    { name: 'ppt/_rels/presentation.xml.rels', data: presentationRels },
    { name: 'ppt/presProps.xml', data: `${XML_HEAD}<p:presentationPr ${NS}/>` },
    {
      name: 'ppt/viewProps.xml',
      data: `${XML_HEAD}<p:viewPr ${NS}><p:normalViewPr><p:restoredLeft sz="15620"/><p:restoredTop sz="94660"/></p:normalViewPr><p:gridSpacing cx="72008" cy="72008"/></p:viewPr>`,
    },
    { name: 'ppt/tableStyles.xml', data: `${XML_HEAD}<a:tblStyleLst xmlns:a="${A}" def="{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"/>` },
    { name: 'ppt/theme/theme1.xml', data: THEME },
    { name: 'ppt/slideMasters/slideMaster1.xml', data: MASTER },
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
  ])
}

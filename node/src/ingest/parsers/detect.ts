import { extname } from 'node:path'
import { isOle } from './zip.ts'
import { sniffZipFormat } from './zip-sniff.ts'

export type FormatId =
  | 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'odp' | 'rtf' | 'html' | 'txt' | 'markdown' | 'eml' | 'msg' | 'zip'

const BY_EXTENSION: Record<string, FormatId> = {
  pdf: 'pdf', docx: 'docx', docm: 'docx', xlsx: 'xlsx', xlsm: 'xlsx', pptx: 'pptx', pptm: 'pptx', odt: 'odt', ods: 'ods',
  odp: 'odp', rtf: 'rtf', html: 'html', htm: 'html', xhtml: 'html', txt: 'txt', text: 'txt', csv: 'txt', md: 'markdown',
  markdown: 'markdown', eml: 'eml', msg: 'msg', zip: 'zip',
}

/** File name extensions (lower case, without the dot) that a parser exists for. */
export const SUPPORTED_EXTENSIONS: string[] = Object.keys(BY_EXTENSION)

const ZIP_BASED = new Set<FormatId>(['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'zip'])
const PDF_MAGIC_WINDOW_BYTES = 1024
const TEXT_SNIFF_BYTES = 4096
const MSG_STREAM_UTF16 = Buffer.from('__substg1.0_', 'utf16le')
const MAIL_HEADER = /^(From|To|Subject|Date|Message-ID|Received|Return-Path|MIME-Version|Delivered-To|Reply-To):[ \t]/im

function startsWith(data: Uint8Array, ascii: string): boolean {
  return Buffer.from(data.subarray(0, ascii.length)).toString('latin1') === ascii
}

function sniffText(data: Uint8Array): FormatId | null {
  const head = Buffer.from(data.subarray(0, TEXT_SNIFF_BYTES)).toString('utf8').replace(/^\uFEFF/, '').trimStart()
  if (/^(<!doctype html|<html[\s>])/i.test(head)) return 'html'
  const headers = head.split(/\r?\n\r?\n/)[0] ?? ''
  if (/^[A-Za-z][A-Za-z0-9-]*:[ \t]/.test(head) && headers.split(/\r?\n/).filter((l) => MAIL_HEADER.test(l)).length >= 2) return 'eml'
  return null
}

/**
 * The format of a file: from its bytes where they say it (PDF, zip-based formats, RTF, Outlook), from the extension
 * otherwise, and for extension-less text by sniffing HTML and mail headers. null: not supported.
 */
export function detectFormat(data: Uint8Array, fileName: string): FormatId | null {
  const ext = extname(fileName).slice(1).toLowerCase()
  const byExtension = BY_EXTENSION[ext] ?? null
  if (startsWith(data, '%PDF-')) return 'pdf'
  if (startsWith(data, '{\\rtf')) return 'rtf'
  if (startsWith(data, 'PK\x03\x04') || startsWith(data, 'PK\x05\x06')) {
    // a truncated archive has no central directory: trust the name, so the right parser reports it as corrupt
    return sniffZipFormat(data) ?? (byExtension && ZIP_BASED.has(byExtension) ? byExtension : 'zip')
  }
  if (isOle(data)) {
    if (Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(MSG_STREAM_UTF16)) return 'msg'
    // password-protected OOXML is an OLE file too; its parser says "encrypted". Legacy .doc/.xls are not supported.
    return byExtension === 'msg' || (byExtension && ZIP_BASED.has(byExtension)) ? byExtension : null
  }
  if (byExtension) return byExtension
  // readers accept junk (a mail gateway's banner, a BOM) before the PDF header
  if (Buffer.from(data.subarray(0, PDF_MAGIC_WINDOW_BYTES)).includes('%PDF-')) return 'pdf'
  return sniffText(data)
}

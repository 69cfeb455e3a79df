const UTF8_BOM = [0xef, 0xbb, 0xbf]

/**
 * Decodes sidecar and index bytes. DMS exports are UTF-8 with or without BOM, but exports made by older Windows
 * tools are Windows-1252 ("ANSI"); bytes that are not valid UTF-8 are read as that, so umlauts survive either way.
 */
export function decodeText(bytes: Uint8Array): string {
  const hasBom = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b)
  const body = hasBom ? bytes.subarray(3) : bytes
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body)
  } catch {
    return new TextDecoder('windows-1252').decode(body)
  }
}

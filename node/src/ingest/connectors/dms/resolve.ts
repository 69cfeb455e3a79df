import { posix } from 'node:path'

/**
 * Finds the export files that an index row or a sidecar refers to. Exports made on Windows write `\` and may differ
 * in case or Unicode normalisation (umlauts from macOS are decomposed), so paths are compared in a folded form.
 */
export class FileResolver {
  private readonly byKey = new Map<string, string>()
  private readonly byBaseName = new Map<string, string[]>()

  constructor(paths: Iterable<string>) {
    for (const path of paths) {
      this.byKey.set(foldPath(path), path)
      const base = foldPath(posix.basename(path))
      const list = this.byBaseName.get(base) ?? []
      list.push(path)
      this.byBaseName.set(base, list)
    }
  }

  /** The path as listed, or undefined. */
  find(path: string): string | undefined {
    return this.byKey.get(foldPath(path))
  }

  /**
   * Resolves a file reference written in an index located in `indexDir`: relative to the index, then relative to
   * the export root, then, for references such as `D:\Export\Bescheid.pdf`, by a file name that is unique below
   * the index's folder.
   */
  resolveReference(reference: string, indexDir: string): string | undefined {
    const cleaned = reference.replace(/\\/g, '/').replace(/^\.\//, '')
    const relative = cleaned.replace(/^\/+/, '')
    const candidates = indexDir === '' ? [relative] : [`${indexDir}/${relative}`, relative]
    for (const candidate of candidates) {
      const found = this.find(posix.normalize(candidate))
      if (found) return found
    }
    const sameName = (this.byBaseName.get(foldPath(posix.basename(cleaned))) ?? []).filter(
      (path) => indexDir === '' || path.startsWith(`${indexDir}/`),
    )
    return sameName.length === 1 ? sameName[0] : undefined
  }
}

function foldPath(path: string): string {
  return path.normalize('NFC').toLowerCase()
}

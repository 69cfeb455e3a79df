import type { Command } from 'commander'
import { WissensnetzNode } from '../node.ts'
import { type DataDir, resolveDataDir } from '../store/datadir.ts'

/** Parses a comma-separated option value ("bauamt, kita") into its trimmed, non-empty parts. */
export const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** The data directory named by the global --data option (or WISSENSNETZ_DATA). */
export function dataDirOf(command: Command): DataDir {
  return resolveDataDir(command.optsWithGlobals().data as string)
}

/**
 * Opens the node for one command and closes it afterwards. Writers take the data-directory lock; readers
 * (exclusive: false) work beside a running `serve`.
 */
export async function withNode<T>(
  command: Command,
  options: { exclusive: boolean; models?: boolean },
  run: (node: WissensnetzNode) => T | Promise<T>,
): Promise<T> {
  const node = await WissensnetzNode.open({ dataDir: dataDirOf(command), exclusive: options.exclusive, models: options.models ?? false })
  try {
    return await run(node)
  } finally {
    await node.close()
  }
}

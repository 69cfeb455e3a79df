/**
 * Test helper: collects what a watcher reports and waits for an expected change. The wait has a generous limit
 * so that a broken watcher fails its test instead of hanging the run; it asserts nothing about speed.
 */
const CHANGE_WAIT_LIMIT_MS = 30_000

export interface ChangeProbe {
  /** one entry per onChange call; undefined means "rescan everything" */
  batches: Array<string[] | undefined>
  onChange(paths?: string[]): void
  until(predicate: (batches: Array<string[] | undefined>) => boolean): Promise<void>
}

export function changeProbe(): ChangeProbe {
  const batches: Array<string[] | undefined> = []
  let wake: () => void = () => {}
  return {
    batches,
    onChange(paths) {
      batches.push(paths)
      wake()
    },
    async until(predicate) {
      const deadline = Date.now() + CHANGE_WAIT_LIMIT_MS
      while (!predicate(batches)) {
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`no matching change notification within ${CHANGE_WAIT_LIMIT_MS} ms`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, left).unref()
        })
      }
    },
  }
}

/** One Server-Sent Event as the API sends it: a name and its data (JSON text). */
export interface SseEvent {
  event: string
  data: string
}

/**
 * Incremental parser for `text/event-stream` read from a fetch body (EventSource cannot POST). Feed it decoded
 * chunks as they arrive; it returns every event that is complete. Comments (heartbeats) are dropped.
 */
export class SseParser {
  private buffer = ''

  push(chunk: string): SseEvent[] {
    this.buffer += chunk
    const events: SseEvent[] = []
    for (;;) {
      const match = /\r\n\r\n|\n\n|\r\r/.exec(this.buffer)
      if (match === null) break
      const block = this.buffer.slice(0, match.index)
      this.buffer = this.buffer.slice(match.index + match[0].length)
      const event = parseBlock(block)
      if (event !== null) events.push(event)
    }
    return events
  }
}

function parseBlock(block: string): SseEvent | null {
  let event = 'message'
  const data: string[] = []
  for (const line of block.split(/\r\n|\n|\r/)) {
    if (line === '' || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
  }
  return data.length === 0 ? null : { event, data: data.join('\n') }
}

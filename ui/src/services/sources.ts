import type { AddSourceRequest, IngestProgress } from '@wissensnetz/protocol'
import { api } from './http.ts'

export interface Source {
  id: number
  name: string
  kind: 'folder' | 'mail' | 'dms'
  location: string
  groups: string[]
  options: Record<string, unknown>
  createdAt: string
  lastScanAt: string | null
  documents: { indexed: number; failed: number }
  lastRun: { state: 'running' | 'done' | 'failed' | 'aborted'; startedAt: string; finishedAt: string | null; error: string | null; files: number } | null
}

export type { IngestProgress }

export interface Failure {
  documentId: number
  sourceId: number
  path: string
  reason: string | null
  message: string | null
  size: number
  at: string
}

export interface MetadataWarning {
  id: number
  sourceId: number
  path: string
  warning: string
}

export async function listSources(): Promise<Source[]> {
  return (await api<{ sources: Source[] }>('/api/sources')).sources
}

export const addSource = (request: AddSourceRequest): Promise<Source> => api('/api/sources', { json: request })
export const removeSource = (id: number): Promise<void> => api(`/api/sources/${id}`, { method: 'DELETE' })
export const reingest = (id: number): Promise<{ queued: number }> => api(`/api/sources/${id}/ingest`, { method: 'POST' })
export const listFailures = (): Promise<{ failures: Failure[]; warnings: MetadataWarning[] }> => api('/api/errors')

export interface IngestSubscription {
  close(): void
}

/**
 * Follows ingest progress live. EventSource reconnects by itself after a network hiccup; `onConnection` tells
 * the page whether the live view is current.
 */
export function followIngest(handlers: {
  onProgress: (p: IngestProgress) => void
  onIdle: () => void
  /** live: events arrive; closed: the browser gave up (the node refused, e.g. the session ended) */
  onConnection: (live: boolean, closed: boolean) => void
}): IngestSubscription {
  const events = new EventSource('/api/ingest/events')
  events.addEventListener('progress', (e) => handlers.onProgress(JSON.parse((e as MessageEvent<string>).data) as IngestProgress))
  events.addEventListener('idle', () => handlers.onIdle())
  events.addEventListener('open', () => handlers.onConnection(true, false))
  events.addEventListener('error', () => handlers.onConnection(false, events.readyState === EventSource.CLOSED))
  return { close: () => events.close() }
}

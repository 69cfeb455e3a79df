import type { SearchFilters, SearchResponse } from '@wissensnetz/protocol'
import { api } from './http.ts'

export function search(query: string, filters: SearchFilters, limit: number, signal?: AbortSignal): Promise<SearchResponse> {
  const hasFilters = Object.values(filters).some((v) => v !== undefined)
  return api<SearchResponse>('/api/search', { json: { query, limit, ...(hasFilters ? { filters } : {}) }, signal })
}

/** A document as `GET /api/documents/:id` presents it. */
export interface DocumentView {
  id: number
  title: string
  path: string
  fileName: string
  mime: string | null
  size: number
  source: { id: number; name: string; kind: string }
  metadata: Record<string, unknown> | null
  indexedAt: string | null
  text: string
}

export function getDocument(id: number, signal?: AbortSignal): Promise<DocumentView> {
  return api<DocumentView>(`/api/documents/${encodeURIComponent(String(id))}`, { signal })
}

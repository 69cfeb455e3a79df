import { MAX_SEARCH_LIMIT, type SearchFilters, type SearchResponse } from '@wissensnetz/protocol'
import { type ApiError, isAbort, toApiError } from '../services/http.ts'
import { search } from '../services/search.ts'
import { listSources, type Source } from '../services/sources.ts'

/** Results shown per search; the API allows up to MAX_SEARCH_LIMIT. */
export const RESULTS_PER_SEARCH = Math.min(25, MAX_SEARCH_LIMIT)

export interface FilterFields {
  source: string
  type: string
  dateFrom: string
  dateTo: string
  aktenzeichen: string
}

const EMPTY_FILTERS: FilterFields = { source: '', type: '', dateFrom: '', dateTo: '', aktenzeichen: '' }
const PARAM_NAMES: Record<keyof FilterFields, string> = { source: 'quelle', type: 'typ', dateFrom: 'von', dateTo: 'bis', aktenzeichen: 'az' }

/** The search page's state; kept while the user visits other pages, so results are there when she returns. */
export class SearchState {
  query = $state('')
  filters = $state<FilterFields>({ ...EMPTY_FILTERS })
  response = $state<SearchResponse | null>(null)
  /** the query the shown results belong to */
  searched = $state('')
  loading = $state(false)
  error = $state<ApiError | null>(null)
  sources = $state<Source[]>([])
  private controller: AbortController | null = null

  get activeFilterCount(): number {
    return Object.values(this.filters).filter((v) => v !== '').length
  }

  async run(): Promise<void> {
    const query = this.query.trim()
    if (query === '') return
    this.controller?.abort()
    const controller = new AbortController()
    this.controller = controller
    this.loading = true
    this.error = null
    try {
      this.response = await search(query, this.apiFilters(), RESULTS_PER_SEARCH, controller.signal)
      this.searched = query
    } catch (err) {
      if (isAbort(err)) return
      this.error = toApiError(err)
      this.response = null
    } finally {
      if (this.controller === controller) this.loading = false
    }
  }

  async loadSources(): Promise<void> {
    try {
      this.sources = await listSources()
    } catch {
      // the filter then offers no sources; searching still works
    }
  }

  clearFilters(): void {
    this.filters = { ...EMPTY_FILTERS }
  }

  /** The state as URL parameters, so a search can be bookmarked and survives a reload. */
  toParams(): URLSearchParams {
    const params = new URLSearchParams()
    if (this.query.trim() !== '') params.set('q', this.query.trim())
    for (const [field, name] of Object.entries(PARAM_NAMES)) {
      const value = this.filters[field as keyof FilterFields]
      if (value !== '') params.set(name, value)
    }
    return params
  }

  fromParams(params: URLSearchParams): boolean {
    const query = params.get('q') ?? ''
    if (query === '' || query === this.searched) return false
    this.query = query
    const filters = { ...EMPTY_FILTERS }
    for (const [field, name] of Object.entries(PARAM_NAMES)) filters[field as keyof FilterFields] = params.get(name) ?? ''
    this.filters = filters
    return true
  }

  private apiFilters(): SearchFilters {
    const f = this.filters
    const sourceId = Number(f.source)
    return {
      sources: f.source === '' ? undefined : [Number.isInteger(sourceId) && sourceId > 0 ? sourceId : f.source],
      types: f.type === '' ? undefined : [f.type.replace(/^\./, '').toLowerCase()],
      dateFrom: f.dateFrom === '' ? undefined : f.dateFrom,
      dateTo: f.dateTo === '' ? undefined : f.dateTo,
      aktenzeichen: f.aktenzeichen.trim() === '' ? undefined : f.aktenzeichen.trim(),
    }
  }
}

export const searchState = new SearchState()

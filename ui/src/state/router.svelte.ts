/** Pages of the app by path; German paths because people read and share them. */
export const ROUTES = {
  search: '/suche',
  ask: '/fragen',
  agents: '/assistenten',
  sources: '/quellen',
  admin: '/verwaltung',
  network: '/netzwerk',
  privacy: '/datenschutz',
} as const

export type RouteName = keyof typeof ROUTES | 'notFound'

/** The network's shared agent catalogue: a tab of the assistants page. */
export const AGENT_CATALOG = `${ROUTES.agents}/katalog`

/** A tiny history router: the node answers index.html for every non-API path, so reloads and links work. */
export class Router {
  path = $state(location.pathname)
  query = $state(location.search)
  /** increases on every navigation after the first page, so the app can move focus to the new page */
  navigations = $state(0)

  constructor() {
    addEventListener('popstate', () => this.sync())
    if (this.path === '/' || this.path === '') this.navigate(ROUTES.search, { replace: true, silent: true })
  }

  get route(): RouteName {
    const entry = Object.entries(ROUTES).find(([, path]) => this.path === path || this.path.startsWith(`${path}/`))
    return (entry?.[0] as RouteName | undefined) ?? 'notFound'
  }

  get params(): URLSearchParams {
    return new URLSearchParams(this.query)
  }

  navigate(to: string, options: { replace?: boolean; silent?: boolean } = {}): void {
    if (to === location.pathname + location.search) return
    if (options.replace === true) history.replaceState(null, '', to)
    else history.pushState(null, '', to)
    this.sync(options.silent === true)
  }

  /** Updates the query string without a new history entry (e.g. the search terms). */
  setQuery(params: URLSearchParams): void {
    const query = params.toString()
    const to = `${this.path}${query === '' ? '' : `?${query}`}`
    history.replaceState(null, '', to)
    this.query = location.search
  }

  /** Handles clicks on same-origin links inside the app without a page load. */
  intercept = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    const anchor = (event.target as Element | null)?.closest?.('a')
    if (anchor === null || anchor === undefined || anchor.target !== '' || anchor.hasAttribute('download')) return
    const url = new URL(anchor.href, location.href)
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return
    if (url.hash !== '' && url.pathname === location.pathname) return
    event.preventDefault()
    this.navigate(url.pathname + url.search)
  }

  private sync(silent = false): void {
    this.path = location.pathname
    this.query = location.search
    if (!silent) this.navigations++
  }
}

export const router = new Router()

/** Formatting for what a user reads, in the chosen language. */

export function formatDateTime(iso: string | number | null | undefined, locale: string): string {
  if (iso === null || iso === undefined || iso === '') return '–'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return String(iso)
  return date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })
}

export function formatNumber(n: number, locale: string): string {
  return n.toLocaleString(locale)
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toLocaleString(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`
}

/** Comma- or line-separated input as a clean list without empty or repeated entries. */
export function splitList(input: string, separator: RegExp = /[,\n]/): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of input.split(separator)) {
    const item = raw.trim()
    const key = item.toLocaleLowerCase('de')
    if (item === '' || seen.has(key)) continue
    seen.add(key)
    out.push(item)
  }
  return out
}

/** Access principals as people read them: "*" everyone, "group:bauamt" bauamt, "user:mueller" mueller. */
export function principalLabel(principal: string, everyone: string): string {
  if (principal === '*') return everyone
  return principal.replace(/^(group|user):/, '')
}

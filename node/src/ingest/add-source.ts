import type { AddSourceRequest } from '@wissensnetz/protocol'
import { existsSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { ConfigError, ValidationError } from '../errors.ts'
import { type MailSourceOptions, resolveMailSource } from './connectors/mail/options.ts'
import { groupPrincipal } from '../store/access.ts'
import type { SourceRepository, SourceRow } from '../store/sources.ts'

const IMAP_URL = /^imaps?:\/\//i

/** Checks a new source before it is stored: the location must exist and fit the kind. */
export function addSource(sources: SourceRepository, request: AddSourceRequest): SourceRow {
  const isImap = request.kind === 'mail' && IMAP_URL.test(request.location)
  const location = isImap ? request.location : resolve(request.location)
  if (!isImap) {
    if (!existsSync(location)) throw new ValidationError(`Der Pfad ${location} existiert nicht.`)
    const isDir = statSync(location).isDirectory()
    if ((request.kind === 'folder' || request.kind === 'dms') && !isDir) throw new ValidationError(`${location} ist kein Ordner.`)
  }
  if (isImap && /:\/\/[^/@]*:[^/@]*@/.test(request.location)) {
    throw new ValidationError('Bitte kein Passwort in die IMAP-Adresse schreiben; nutzen Sie die Option passwordEnv.')
  }
  const options = { ...(request.options ?? {}) }
  if (request.kind === 'mail' && options.owner === undefined && options.visibility !== 'groups') {
    throw new ValidationError('Ein Postfach braucht einen Eigentümer (owner), oder die Sichtbarkeit "groups" mit Gruppen.')
  }
  if (request.kind === 'mail') {
    try {
      resolveMailSource({ ...options, location } as MailSourceOptions)
    } catch (err) {
      if (err instanceof ConfigError) throw new ValidationError(err.problems.join(' '), err.problems)
      throw err
    }
  }
  const name = request.name ?? defaultName(location, isImap)
  return sources.add({
    name,
    kind: request.kind,
    location,
    options,
    principals: (request.groups ?? []).map(groupPrincipal),
  })
}

function defaultName(location: string, isImap: boolean): string {
  if (isImap) {
    const url = new URL(location)
    return `${url.username || 'imap'}@${url.hostname}${url.pathname.length > 1 ? url.pathname : ''}`
  }
  return basename(location)
}

import { logger } from '../log.ts'

const log = logger('node:api')

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOST.test(host.trim())
}

/**
 * Login cookies over plain http can be read on the network. Outside this machine, TLS belongs in a reverse proxy
 * and `server.secureCookies: true` keeps cookies off unencrypted connections. Returns the warning, if any.
 */
export function exposureWarning(server: { host: string; secureCookies: boolean }): string | null {
  if (isLoopbackHost(server.host) || server.secureCookies) return null
  const warning =
    `Der Knoten ist unter ${server.host} auch von anderen Rechnern erreichbar, aber server.secureCookies ist aus: ` +
    'Anmelde-Cookies gingen unverschlüsselt über das Netz. TLS über einen Reverse-Proxy einrichten und secureCookies: true setzen.'
  return warning
}

/** Logs the exposure warning once per app (the `serve` command also prints it to the operator). */
export function warnIfExposed(server: { host: string; secureCookies: boolean }): void {
  if (exposureWarning(server) !== null) log.warn(`bound to non-loopback address ${server.host} without server.secureCookies`)
}

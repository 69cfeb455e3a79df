import { groupNameSchema, passwordSchema, type Role, roleSchema, usernameSchema } from '@wissensnetz/protocol'
import type { Command } from 'commander'
import type { z } from 'zod'
import { generatePassword } from '../auth/passwords.ts'
import { presentGroup, presentToken, presentUser } from '../auth/presenters.ts'
import { ValidationError } from '../errors.ts'
import { setQuiet } from '../log.ts'
import { list, withNode } from './shared.ts'

const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
// Accounts live in SQLite and are read at every request, so these commands open the node with
// exclusive: false and work beside a running `serve` (they do not take the data-directory lock).

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new ValidationError(`${what}: ${result.error.issues.map((i) => i.message).join('; ')}`)
  return result.data
}

const rolesOf = (value: string[] | undefined): Role[] => (value ?? ['reader']).map((r) => parse(roleSchema, r, `Rolle "${r}"`))
const groupsOf = (value: string[] | undefined): string[] => (value ?? []).map((g) => parse(groupNameSchema, g, `Gruppe "${g}"`))

/** The password from standard input (first line), so that it stays out of the shell history and the process list. */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? ''
  return parse(passwordSchema, password, 'Passwort')
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('Benutzerkonten verwalten')
  users
    .command('add')
    .description('Konto anlegen; ohne --password-stdin wird ein Passwort erzeugt und einmal angezeigt')
    .argument('<name>', 'Benutzername (Kleinbuchstaben, Ziffern, . _ @ -)')
    .option('--roles <a,b>', 'Rollen: reader, author, admin, dpo (Standard: reader)', list)
    .option('--groups <a,b>', 'Gruppen (bestimmen, welche Dokumente die Person sieht)', list)
    .option('--display-name <name>', 'angezeigter Name')
    .option('--password-stdin', 'Passwort von der Standardeingabe lesen')
    .action(
      async (
        name: string,
        opts: { roles?: string[]; groups?: string[]; displayName?: string; passwordStdin?: boolean },
        command: Command,
      ) => {
        const username = parse(usernameSchema, name, 'Benutzername')
        const roles = rolesOf(opts.roles)
        const groups = groupsOf(opts.groups)
        const password = opts.passwordStdin === true ? await readPasswordFromStdin() : undefined
        await withNode(command, { exclusive: false }, async (node) => {
          const created = await node.auth.accounts.createUser({
            username,
            roles,
            groups,
            ...(opts.displayName === undefined ? {} : { displayName: opts.displayName }),
            ...(password === undefined ? {} : { password }),
          })
          out(
            `Konto "${created.user.username}" angelegt ` +
              `(Rollen: ${created.user.roles.join(', ')}; Gruppen: ${created.user.groups.join(', ') || '–'}).`,
          )
          if (created.password !== undefined) out(`Passwort (wird nur jetzt angezeigt): ${created.password}`)
        })
      },
    )
  users
    .command('list')
    .description('Konten auflisten')
    .option('--json', 'als JSON ausgeben')
    .action(async (opts: { json?: boolean }, command: Command) => {
      if (opts.json === true) setQuiet(true)
      await withNode(command, { exclusive: false }, (node) => {
        const rows = node.auth.users.list().map(presentUser)
        if (opts.json === true) return out(JSON.stringify(rows, null, 2))
        if (rows.length === 0) return out('Noch keine Konten. Anlegen mit: wissensnetz users add <name> --roles admin')
        for (const u of rows) {
          out(
            `${u.username}\t${u.displayName}\t${u.roles.join(',')}\t${u.groups.join(',') || '–'}\t` +
              `${u.source}${u.disabled ? '\tGESPERRT' : ''}`,
          )
        }
      })
    })
  users
    .command('remove')
    .description('Konto mit seinen Sitzungen und Tokens entfernen')
    .argument('<name>', 'Benutzername')
    .action(async (name: string, _opts, command: Command) => {
      await withNode(command, { exclusive: false }, (node) => {
        node.auth.accounts.removeUser(name)
        out(`Konto "${name}" entfernt.`)
      })
    })
  users
    .command('set-password')
    .description('Passwort setzen (beendet alle Sitzungen des Kontos); ohne --password-stdin wird eines erzeugt')
    .argument('<name>', 'Benutzername')
    .option('--password-stdin', 'Passwort von der Standardeingabe lesen')
    .action(async (name: string, opts: { passwordStdin?: boolean }, command: Command) => {
      const given = opts.passwordStdin === true ? await readPasswordFromStdin() : undefined
      const password = given ?? generatePassword()
      await withNode(command, { exclusive: false }, async (node) => {
        await node.auth.accounts.setPassword(name, password)
        out(`Passwort von "${name}" gesetzt; bestehende Sitzungen wurden beendet.`)
        if (given === undefined) out(`Neues Passwort (wird nur jetzt angezeigt): ${password}`)
      })
    })

  const groups = program.command('groups').description('Gruppen verwalten (Zugriff auf Dokumente)')
  groups
    .command('list')
    .description('Gruppen mit Anzahl der Mitglieder')
    .option('--json', 'als JSON ausgeben')
    .action(async (opts: { json?: boolean }, command: Command) => {
      if (opts.json === true) setQuiet(true)
      await withNode(command, { exclusive: false }, (node) => {
        const rows = node.auth.users.listGroups().map(presentGroup)
        if (opts.json === true) return out(JSON.stringify(rows, null, 2))
        if (rows.length === 0) return out('Noch keine Gruppen. Anlegen mit: wissensnetz groups add <name>')
        for (const g of rows) out(`${g.name}\t${g.members} Mitglieder${g.description === '' ? '' : `\t${g.description}`}`)
      })
    })
  groups
    .command('add')
    .description('Gruppe anlegen (Gruppen entstehen auch, wenn ein Konto sie erhält)')
    .argument('<name>', 'Gruppenname, wie in den Zugriffsregeln der Quellen')
    .option('--description <text>', 'Beschreibung')
    .action(async (name: string, opts: { description?: string }, command: Command) => {
      const group = parse(groupNameSchema, name, 'Gruppenname')
      await withNode(command, { exclusive: false }, (node) => {
        node.auth.users.createGroup(group, opts.description ?? '')
        out(`Gruppe "${group}" angelegt.`)
      })
    })
  groups
    .command('remove')
    .description('Gruppe und ihre Mitgliedschaften entfernen')
    .argument('<name>', 'Gruppenname')
    .action(async (name: string, _opts, command: Command) => {
      await withNode(command, { exclusive: false }, (node) => {
        node.auth.users.removeGroup(name)
        out(`Gruppe "${name}" entfernt.`)
      })
    })

  const tokens = program.command('tokens').description('API-Tokens für Automatisierung (Authorization: Bearer …)')
  tokens
    .command('create')
    .description('Token für ein Konto erzeugen; es wird nur jetzt angezeigt')
    .requiredOption('--user <name>', 'Konto, dessen Rechte das Token trägt')
    .option('--name <name>', 'Bezeichnung, z. B. wofür es dient')
    .action(async (opts: { user: string; name?: string }, command: Command) => {
      await withNode(command, { exclusive: false }, (node) => {
        const { token, record } = node.auth.accounts.createToken(opts.user, opts.name)
        out(`Token Nr. ${record.id} für "${record.username}" (${record.name}), wird nur jetzt angezeigt:\n${token}`)
      })
    })
  tokens
    .command('list')
    .description('Tokens auflisten (Anfang, erstellt, zuletzt benutzt)')
    .option('--user <name>', 'nur die Tokens dieses Kontos')
    .option('--json', 'als JSON ausgeben')
    .action(async (opts: { user?: string; json?: boolean }, command: Command) => {
      if (opts.json === true) setQuiet(true)
      await withNode(command, { exclusive: false }, (node) => {
        const owner = opts.user === undefined ? undefined : node.auth.users.get(opts.user).id
        const rows = node.auth.tokens.list(owner).map(presentToken)
        if (opts.json === true) return out(JSON.stringify(rows, null, 2))
        if (rows.length === 0) return out('Keine Tokens.')
        for (const t of rows)
          out(`${t.id}\t${t.username}\t${t.prefix}…\t${t.name}\terstellt ${t.createdAt}\tzuletzt ${t.lastUsedAt ?? 'nie'}`)
      })
    })
  tokens
    .command('revoke')
    .description('Token widerrufen')
    .argument('<id>', 'Nummer des Tokens (aus tokens list)')
    .action(async (id: string, _opts, command: Command) => {
      const tokenId = Number(id)
      if (!Number.isInteger(tokenId) || tokenId <= 0) throw new ValidationError(`Ungültige Token-Nummer: ${id}`)
      await withNode(command, { exclusive: false }, (node) => {
        node.auth.accounts.revokeToken(tokenId)
        out(`Token Nr. ${tokenId} widerrufen.`)
      })
    })
}

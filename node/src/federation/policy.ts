import type { Member } from './members.ts'

/** Everyone on the member list. */
export const ALL_MEMBERS = '*'

/**
 * Static sharing rules from the configuration (the policy issue puts them under the data protection officer).
 * A rule names a peer id, a municipality from the member list (case-insensitive) or "*" for every member.
 */
export function ruleAllows(rules: readonly string[], member: Member | undefined): boolean {
  if (member === undefined) return false
  const municipality = member.municipality.toLocaleLowerCase('de')
  return rules.some((r) => r === ALL_MEMBERS || r === member.peerId || r.toLocaleLowerCase('de') === municipality)
}

/** Which peers may receive this node's anonymised questions. */
export class OutboundRules {
  constructor(
    private readonly rules: readonly string[],
    private readonly members: { get(peerId: string): Member | undefined; list(): Member[] },
  ) {}

  allows(peerId: string): boolean {
    return ruleAllows(this.rules, this.members.get(peerId))
  }

  recipients(selfPeerId: string | null): Member[] {
    return this.members.list().filter((m) => m.peerId !== selfPeerId && ruleAllows(this.rules, m))
  }
}

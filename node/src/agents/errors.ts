import type { AgentProblem } from '@wissensnetz/protocol'
import { ValidationError, WissensnetzError } from '../errors.ts'

/** At most this many problems are named in a message; `details` lists them all. */
const MAX_PROBLEMS_IN_MESSAGE = 10

/** A save based on a version that is no longer the current one. */
export class StaleAgentVersionError extends WissensnetzError {
  constructor(currentVersion: number, baseVersion: number) {
    super(
      'conflict',
      `Der Assistent wurde inzwischen gespeichert (jetzt Version ${currentVersion}); Ihre Änderungen beruhen auf Version ` +
        `${baseVersion}. Bitte laden Sie ihn neu und übernehmen Sie Ihre Änderungen erneut.`,
      { status: 409, details: { currentVersion, baseVersion } },
    )
  }
}

/** An import whose agent id is already taken here (also by a deleted agent): never overwritten. */
export class AgentExistsError extends WissensnetzError {
  constructor(id: string, name: string) {
    super(
      'conflict',
      `Einen Assistenten mit dieser Kennung gibt es hier schon („${name}“). Er wird nicht überschrieben; ` +
        'als Kopie importiert (as=copy) entsteht ein neuer Assistent.',
      { status: 409, details: { existingId: id } },
    )
  }
}

/** A definition or file that does not pass the schema; each problem names its field. */
export function invalidAgent(intro: string, problems: AgentProblem[]): ValidationError {
  const listed = problems
    .slice(0, MAX_PROBLEMS_IN_MESSAGE)
    .map((p) => `${p.field}: ${p.problem}`)
    .join('; ')
  const more = problems.length > MAX_PROBLEMS_IN_MESSAGE ? ` (und ${problems.length - MAX_PROBLEMS_IN_MESSAGE} weitere)` : ''
  return new ValidationError(`${intro} ${listed}${more}`, problems)
}

import { WissensnetzError } from '../errors.ts'

/** Kept apart from index.ts so that routes can name it without loading libp2p. */
export class FederationNotRunningError extends WissensnetzError {
  constructor() {
    super('federation_not_running', 'Das Verbundnetz ist auf diesem Knoten nicht gestartet (federation.enabled).', { status: 409 })
  }
}

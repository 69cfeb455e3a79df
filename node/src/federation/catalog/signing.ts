import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { type AgentDefinition, type CatalogEntry, canonicalAgentJson, type Withdrawal, withdrawalSigningText } from '@wissensnetz/protocol'

const utf8 = new TextEncoder()

/** Signs an agent definition with the node key: Ed25519 over canonicalAgentJson, public key as protobuf. */
export async function signAgent(key: PrivateKey, definition: AgentDefinition): Promise<AgentDefinition> {
  const { signature: _old, ...unsigned } = definition
  const value = await key.sign(utf8.encode(canonicalAgentJson(unsigned)))
  return {
    ...unsigned,
    signature: {
      algorithm: 'ed25519',
      publicKey: Buffer.from(publicKeyToProtobuf(key.publicKey)).toString('base64'),
      value: Buffer.from(value).toString('base64'),
    },
  }
}

export async function signWithdrawal(key: PrivateKey, publisher: string, agentId: string, withdrawnAt: string): Promise<Withdrawal> {
  const value = await key.sign(utf8.encode(withdrawalSigningText(agentId, withdrawnAt)))
  return { publisher, agentId, withdrawnAt, signature: Buffer.from(value).toString('base64') }
}

/**
 * True when the entry's definition is signed by the key of the peer named as its publisher. Nothing in a
 * gossip or sync message is trusted before this holds.
 */
export async function verifyEntry(entry: CatalogEntry): Promise<boolean> {
  const signature = entry.agent.signature
  if (signature === undefined || signature.algorithm !== 'ed25519') return false
  try {
    const key = publicKeyFromProtobuf(Buffer.from(signature.publicKey, 'base64'))
    if (key.type !== 'Ed25519' || peerIdFromPublicKey(key).toString() !== entry.publisher) return false
    return await key.verify(utf8.encode(canonicalAgentJson(entry.agent)), Buffer.from(signature.value, 'base64'))
  } catch {
    return false
  }
}

/** A withdrawal is valid when signed by the publisher it names (the caller checks that this is the agent's publisher). */
export async function verifyWithdrawal(withdrawal: Withdrawal): Promise<boolean> {
  try {
    const publicKey = peerIdFromString(withdrawal.publisher).publicKey
    if (publicKey === undefined || publicKey.type !== 'Ed25519') return false
    return await publicKey.verify(
      utf8.encode(withdrawalSigningText(withdrawal.agentId, withdrawal.withdrawnAt)),
      Buffer.from(withdrawal.signature, 'base64'),
    )
  } catch {
    return false
  }
}

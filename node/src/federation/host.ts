import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub, StrictSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { preSharedKey } from '@libp2p/pnet'
import { tcp } from '@libp2p/tcp'
import { CATALOG_TOPIC, DHT_PROTOCOL, MAX_ANNOUNCEMENT_BYTES } from '@wissensnetz/protocol'
import { createLibp2p } from 'libp2p'
import { PSK_HANDSHAKE_TIMEOUT_MS } from './constants.ts'

export interface FederationHostInit {
  privateKey: PrivateKey
  /** pnet v1 key file contents */
  psk: Uint8Array
  listen: string[]
  /** multiaddrs with /p2p/<peer id> */
  bootstrap: string[]
  gater: ConnectionGater
  /** agent version shown to peers by identify */
  agentVersion: string
}

/**
 * The libp2p host of a node: TCP, private-network key, Noise, Yamux, identify, ping, kad-dht under our own
 * prefix, and gossipsub limited to the catalogue topic. Created stopped; the Federation starts it.
 */
export async function createFederationHost(init: FederationHostInit) {
  return createLibp2p({
    start: false,
    privateKey: init.privateKey,
    addresses: { listen: init.listen },
    transports: [tcp()],
    connectionProtector: preSharedKey({ psk: init.psk, timeout: PSK_HANDSHAKE_TIMEOUT_MS }),
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: init.gater,
    peerDiscovery: init.bootstrap.length > 0 ? [bootstrap({ list: init.bootstrap, timeout: 50 })] : [],
    nodeInfo: { userAgent: init.agentVersion },
    services: {
      identify: identify(),
      // kad-dht pings peers too; one stream at a time (the default) makes concurrent pings fail.
      ping: ping({ maxOutboundStreams: 4 }),
      // Members run on private and loopback addresses: keep them in the routing table (see ENVIRONMENT.md).
      dht: kadDHT({ protocol: DHT_PROTOCOL, peerInfoMapper: passthroughMapper, clientMode: false }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        emitSelf: false,
        globalSignaturePolicy: StrictSign,
        allowedTopics: [CATALOG_TOPIC],
        maxInboundDataLength: MAX_ANNOUNCEMENT_BYTES,
        // Small consortium: keep every member in the mesh so announcements take one hop where possible.
        D: 8,
        Dlo: 4,
        Dhi: 12,
      }),
    },
  })
}

export type FederationHost = Awaited<ReturnType<typeof createFederationHost>>

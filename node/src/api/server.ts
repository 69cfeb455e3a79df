import { createServer, type Server } from 'node:http'
import type { WissensnetzNode } from '../node.ts'
import type { Startable } from '../startable.ts'
import { createApp } from './app.ts'

/** The HTTP server as a Startable; binds the configured loopback address. */
export class HttpServer implements Startable {
  private server: Server | null = null

  constructor(
    private readonly node: WissensnetzNode,
    private readonly host: string,
    private readonly port: number,
  ) {}

  async start(): Promise<void> {
    const server = createServer(createApp(this.node).callback())
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
  }

  address(): { host: string; port: number } {
    const address = this.server?.address()
    if (address === null || address === undefined || typeof address === 'string') return { host: this.host, port: this.port }
    return { host: address.address, port: address.port }
  }

  async stop(): Promise<void> {
    const server = this.server
    if (server === null) return
    this.server = null
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

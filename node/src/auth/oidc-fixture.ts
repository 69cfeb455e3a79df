import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

/** Whom the test provider signs in at the next authorization request, and with which claims. */
export type TestIdentity = Record<string, unknown> & { sub: string }

interface IssuedCode {
  identity: TestIdentity
  nonce: string
  codeChallenge: string
  redirectUri: string
}

/**
 * A minimal OpenID Connect provider for tests, on 127.0.0.1: discovery, authorization (signs in `next` at once,
 * no login page), token endpoint with client_secret_basic and PKCE S256, JWKS, RS256 ID tokens. Tests set
 * `tamper` to make it misbehave the way a hostile or broken provider would.
 */
export class TestOidcProvider {
  next: TestIdentity = { sub: 'nobody' }
  tamper: 'none' | 'wrong-nonce' | 'wrong-audience' | 'bad-signature' = 'none'
  private server: Server | null = null
  private readonly key: KeyObject
  private readonly codes = new Map<string, IssuedCode>()
  issuer = ''

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        res.statusCode = 500
        res.end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.server = server
    this.issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    return this.issuer
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise((resolve) => this.server?.close(resolve))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer)
    if (url.pathname === '/.well-known/openid-configuration') return send(res, 200, this.discovery())
    if (url.pathname === '/jwks')
      return send(res, 200, { keys: [{ ...createPublicKey(this.key).export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] })
    if (url.pathname === '/token' && req.method === 'POST') return this.token(req, res)
    if (url.pathname === '/authorize') this.authorize(url, res)
    else send(res, 404, { error: 'not_found' })
  }

  private discovery() {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      jwks_uri: `${this.issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    }
  }

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams
    const redirectUri = q.get('redirect_uri') ?? ''
    if (q.get('client_id') !== this.clientId || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256') {
      send(res, 400, { error: 'invalid_request' })
      return
    }
    const code = randomBytes(16).toString('hex')
    this.codes.set(code, { identity: this.next, nonce: q.get('nonce') ?? '', codeChallenge: q.get('code_challenge') ?? '', redirectUri })
    const back = new URL(redirectUri)
    back.searchParams.set('code', code)
    back.searchParams.set('state', q.get('state') ?? '')
    res.writeHead(302, { location: back.href }).end()
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
    // client_secret_basic or client_secret_post, as real providers accept both
    const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8')
    const [id, secret] = basic.includes(':')
      ? basic.split(':').map((p) => decodeURIComponent(p))
      : [form.get('client_id'), form.get('client_secret')]
    if (id !== this.clientId || secret !== this.clientSecret) return send(res, 401, { error: 'invalid_client' })
    const issued = this.codes.get(form.get('code') ?? '')
    this.codes.delete(form.get('code') ?? '')
    const challenge = createHash('sha256')
      .update(form.get('code_verifier') ?? '')
      .digest('base64url')
    if (issued === undefined || issued.codeChallenge !== challenge || issued.redirectUri !== form.get('redirect_uri')) {
      return send(res, 400, { error: 'invalid_grant' })
    }
    const now = Math.floor(Date.now() / 1000)
    const claims = {
      iss: this.issuer,
      aud: this.tamper === 'wrong-audience' ? 'jemand-anders' : this.clientId,
      iat: now,
      exp: now + 300,
      nonce: this.tamper === 'wrong-nonce' ? 'falsch' : issued.nonce,
      ...issued.identity,
    }
    send(res, 200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: this.sign(claims) })
  }

  private sign(claims: Record<string, unknown>): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${encode(claims)}`
    const key = this.tamper === 'bad-signature' ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : this.key
    return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

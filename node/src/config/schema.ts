import { z } from 'zod'

const oidcConfigSchema = z
  .object({
    /** e.g. https://sso.kreis-myk.de/realms/kommunen */
    issuer: z.url(),
    clientId: z.string().min(1).max(500),
    /** name of the environment variable holding the client secret; null: public client (PKCE only) */
    clientSecretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Name einer Umgebungsvariablen erwartet').nullable().default(null),
    /** https://wissen.example.de/api/auth/oidc/callback, as registered at the identity provider */
    redirectUri: z.url(),
    scopes: z.string().min(1).default('openid profile email'),
    usernameClaim: z.string().min(1).default('preferred_username'),
    groupsClaim: z.string().min(1).default('groups'),
    /** role → groups of the identity provider that grant it; "*" = everyone who signs in */
    roleMapping: z
      .object({
        reader: z.array(z.string().min(1)).default(['*']),
        author: z.array(z.string().min(1)).default([]),
        admin: z.array(z.string().min(1)).default([]),
        dpo: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ reader: ['*'], author: [], admin: [], dpo: [] }),
    label: z.string().min(1).max(100).default('Mit Dienstkonto anmelden'),
  })
  .strict()

const authConfigSchema = z
  .object({
    /** a session ends this many hours after login */
    sessionHours: z.number().positive().max(24 * 30).default(12),
    /** … or after this many minutes without a request */
    sessionIdleMinutes: z.number().positive().max(24 * 60 * 30).default(240),
    oidc: oidcConfigSchema.nullable().default(null),
  })
  .strict()

/** peer ids, municipality names from the member list, or "*" for every member */
const peerRules = z.array(z.string().trim().min(1).max(200)).max(1000)

export const DEFAULT_FEDERATION_CONFIG = {
  enabled: false,
  listen: ['/ip4/0.0.0.0/tcp/4010'],
  bootstrap: [],
  networkKeyFile: 'federation/swarm.key',
  membersFile: 'federation/members.json',
  members: [],
  outbound: { peers: [], timeoutMs: 3000 },
  inbound: { peers: [], sources: [], detail: 'titles-snippets' as const, maxHits: 10 },
}

const federationConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    listen: z.array(z.string().min(1).max(300)).max(16).default(DEFAULT_FEDERATION_CONFIG.listen),
    /** multiaddrs with /p2p/<peer id> */
    bootstrap: z
      .array(z.string().regex(/\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/, 'Multiadresse mit /p2p/<Peer-ID> am Ende erwartet'))
      .max(100)
      .default([]),
    networkKeyFile: z.string().min(1).default(DEFAULT_FEDERATION_CONFIG.networkKeyFile),
    membersFile: z.string().min(1).default(DEFAULT_FEDERATION_CONFIG.membersFile),
    members: z
      .array(z.object({ peerId: z.string().min(1).max(128), municipality: z.string().trim().min(1).max(200) }).strict())
      .max(1000)
      .default([]),
    outbound: z
      .object({ peers: peerRules.default([]), timeoutMs: z.number().int().min(100).max(30_000).default(3000) })
      .strict()
      .default(DEFAULT_FEDERATION_CONFIG.outbound),
    inbound: z
      .object({
        peers: peerRules.default([]),
        /** names of the sources that answer federated questions; nothing else is searched */
        sources: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
        detail: z.enum(['titles-snippets', 'answer-only', 'counts']).default('titles-snippets'),
        maxHits: z.number().int().min(1).max(20).default(10),
      })
      .strict()
      .default(DEFAULT_FEDERATION_CONFIG.inbound),
  })
  .strict()

export const configSchema = z
  .object({
    node: z
      .object({
        name: z.string().min(1, 'darf nicht leer sein').default('Wissensnetz-Knoten'),
      })
      .strict()
      .default({ name: 'Wissensnetz-Knoten' }),
    server: z
      .object({
        host: z.string().trim().min(1).max(255).default('127.0.0.1'),
        port: z.number().int().min(1).max(65535).default(8080),
        /** mark cookies Secure even when the request reached the node over plain http (TLS at a reverse proxy) */
        secureCookies: z.boolean().default(false),
        /** trust X-Forwarded-For/-Proto from a reverse proxy in front of the node (client address, https) */
        trustProxy: z.boolean().default(false),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, secureCookies: false, trustProxy: false }),
    auth: authConfigSchema.default({ sessionHours: 12, sessionIdleMinutes: 240, oidc: null }),
    models: z
      .object({
        dir: z.string().default('models'),
        embedding: z.string().nullable().default(null),
        chat: z.string().nullable().default(null),
        threads: z.number().int().min(0).max(256).default(0),
        /** answers generated at the same time (context sequences of the chat model) */
        chatSlots: z.number().int().min(1).max(16).default(2),
        /** answers waiting for a free slot; more are refused with llm_busy (503) */
        maxQueuedRequests: z.number().int().min(0).max(1000).default(16),
        /** tokens per slot: passages, conversation, question and answer together */
        chatContextSize: z.number().int().min(512).max(131_072).default(4096),
        /** longest answer in tokens (agents may ask for less or more, up to this context) */
        maxAnswerTokens: z.number().int().min(16).max(8192).default(512),
      })
      .strict()
      .default({
        dir: 'models',
        embedding: null,
        chat: null,
        threads: 0,
        chatSlots: 2,
        maxQueuedRequests: 16,
        chatContextSize: 4096,
        maxAnswerTokens: 512,
      }),
    ingest: z
      .object({
        rescanIntervalMinutes: z.number().min(0).default(15),
        watch: z.boolean().default(true),
        maxFileMegabytes: z.number().positive().max(10_000).default(100),
        ocr: z.boolean().default(true),
        concurrency: z.number().int().min(1).max(32).default(2),
        embedBatchSize: z.number().int().min(1).max(1024).default(32),
      })
      .strict()
      .default({ rescanIntervalMinutes: 15, watch: true, maxFileMegabytes: 100, ocr: true, concurrency: 2, embedBatchSize: 32 }),
    search: z
      .object({
        defaultLimit: z.number().int().min(1).max(100).default(10),
        candidates: z.number().int().min(10).max(1000).default(60),
      })
      .strict()
      .default({ defaultLimit: 10, candidates: 60 }),
    federation: federationConfigSchema.default(DEFAULT_FEDERATION_CONFIG),
  })
  .strict()

export type Config = z.infer<typeof configSchema>

export const DEFAULT_CONFIG_YAML = `# Wissensnetz – Konfiguration dieses Knotens.
# Änderungen werden beim nächsten Start wirksam. Ungültige Werte werden beim Start gemeldet,
# der Knoten startet dann nicht.

node:
  # Name der Kommune, wie andere ihn sehen
  name: Wissensnetz-Knoten

server:
  # Adresse, auf der die Oberfläche erreichbar ist. 127.0.0.1 = nur dieser Rechner; 0.0.0.0 = alle Netze.
  # Außerhalb des eigenen Rechners TLS über einen Reverse-Proxy (nginx, Caddy) und secureCookies: true.
  host: 127.0.0.1
  port: 8080
  # Anmelde-Cookies nur über HTTPS senden (immer einschalten, wenn ein Reverse-Proxy TLS übernimmt)
  secureCookies: false
  # X-Forwarded-For/-Proto des Reverse-Proxys vertrauen (Client-Adresse für die Sperre nach Fehlversuchen)
  trustProxy: false

auth:
  # Eine Sitzung endet so viele Stunden nach der Anmeldung …
  sessionHours: 12
  # … oder nach so vielen Minuten ohne Anfrage
  sessionIdleMinutes: 240
  # Single Sign-on über OpenID Connect (Keycloak, AD FS, …); null = nur lokale Konten. Beispiel:
  # oidc:
  #   issuer: https://sso.example.de/realms/kommune
  #   clientId: wissensnetz
  #   clientSecretEnv: WISSENSNETZ_OIDC_SECRET   # Umgebungsvariable mit dem Client-Secret
  #   redirectUri: https://wissen.example.de/api/auth/oidc/callback
  #   groupsClaim: groups                        # Claim mit den Gruppen (bestimmen, welche Dokumente jemand sieht)
  #   roleMapping:                               # Rolle → Gruppen des Identitätsanbieters; "*" = alle
  #     reader: ["*"]
  #     author: [redaktion]
  #     admin: [it-admins]
  #     dpo: [datenschutz]
  oidc: null

models:
  # Ordner mit GGUF-Modellen, relativ zum Datenverzeichnis
  dir: models
  # Dateiname des Embedding-Modells im Modellordner (z. B. multilingual-e5-small-q8_0.gguf);
  # leer = nur lexikalische Suche
  embedding: null
  # Dateiname des Chat-Modells; leer = extraktive Antworten
  chat: null
  # CPU-Threads für llama.cpp; 0 = Anzahl der Prozessorkerne
  threads: 0
  # Antworten, die das Chat-Modell gleichzeitig erzeugt (je eine Kontext-Sequenz)
  chatSlots: 2
  # Wartende Fragen; weitere werden mit "ausgelastet" (HTTP 503) abgewiesen
  maxQueuedRequests: 16
  # Tokens je Antwort-Platz: Quellen, Gesprächsverlauf, Frage und Antwort zusammen
  chatContextSize: 4096
  # Längste Antwort in Tokens
  maxAnswerTokens: 512

ingest:
  # Quellen regelmäßig neu einlesen (Minuten); 0 = nur bei Änderungen und auf Anforderung
  rescanIntervalMinutes: 15
  # Ordner und Postfächer auf Änderungen überwachen
  watch: true
  # Größere Dateien werden mit Grund "too_large" abgelehnt
  maxFileMegabytes: 100
  # Texterkennung (OCR, Deutsch) für gescannte PDF-Seiten; braucht tesseract-ocr-deu
  ocr: true
  # Hintergrund-Threads, die Dokumente lesen und zerlegen (sinnvoll: Zahl der Kerne; sie laufen mit
  # niedrigerer Priorität, Suche und Speichern gehen vor)
  concurrency: 2
  # Textabschnitte je Embedding-Aufruf
  embedBatchSize: 32

search:
  # Treffer je Suche, wenn nichts anderes verlangt wird
  defaultLimit: 10
  # Kandidaten je Suchverfahren vor der Fusion
  candidates: 60

federation:
  # Teilnahme am Verbundnetz (libp2p). Aus, bis der Verbund Schlüssel und Mitgliederliste verteilt hat.
  enabled: false
  # Adressen, auf denen andere Mitglieder diesen Knoten erreichen
  listen:
    - /ip4/0.0.0.0/tcp/4010
  # Bekannte Mitglieder zum Verbinden, z. B. /ip4/10.0.0.5/tcp/4010/p2p/12D3KooW…
  bootstrap: []
  # Netzwerkschlüssel des Verbunds (privates Netz); anlegen mit "wissensnetz network init-key"
  networkKeyFile: federation/swarm.key
  # Mitgliederliste (Peer-ID und Kommune); pflegen mit "wissensnetz network members add"
  membersFile: federation/members.json
  # weitere Mitglieder direkt hier: - { peerId: 12D3KooW…, municipality: Andernach }
  members: []
  # Wohin anonymisierte Fragen gehen dürfen: Peer-IDs, Namen von Kommunen oder "*" (alle Mitglieder)
  outbound:
    peers: []
    # Wartezeit auf Antworten (Millisekunden); wer länger braucht, wird als "Zeitüberschreitung" gezeigt
    timeoutMs: 3000
  # Wer hier fragen darf und was beantwortet wird
  inbound:
    peers: []
    # Namen der Quellen, die Fragen anderer Kommunen beantworten; leer = keine
    sources: []
    # Detailgrad der Antworten: titles-snippets | answer-only | counts
    detail: titles-snippets
    # höchstens so viele Treffer je Frage
    maxHits: 10
`

import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { type AgentResolver, type AgentService, createAgents, type ScopeBindings } from './agents/index.ts'
import { AnswerService, PassageRetriever } from './answers/index.ts'
import { type AuthService, createAuth } from './auth/index.ts'
import { OidcLogin } from './auth/oidc.ts'
import type { Config } from './config/schema.ts'
import { loadConfig, writeDefaultConfig } from './config/load.ts'
import { ChunkCatalog } from './index/catalog.ts'
import { EmbeddingStage } from './index/embedding-stage.ts'
import { LexicalIndex } from './index/lexical.ts'
import { SearchService } from './index/search.ts'
import { VectorIndex } from './index/vector/index.ts'
import { IndexWriter } from './index/writer.ts'
import { connectorFor } from './ingest/connectors/index.ts'
import { IngestPipeline } from './ingest/pipeline.ts'
import { TermStatsRefresher } from './index/term-stats.ts'
import { IngestScheduler } from './ingest/scheduler.ts'
import { DEFAULT_PARSE_LIMITS } from './ingest/types.ts'
import type { Federation } from './federation/index.ts'
import { ChatModel } from './llm/chat.ts'
import type { Embedder } from './llm/embedder.ts'
import { createLlamaEmbedder } from './llm/embedder.ts'
import { logger } from './log.ts'
import { AccessSets } from './store/access.ts'
import { ConversationRepository } from './store/conversations.ts'
import { type Db, openDatabase } from './store/db.ts'
import { DataDirLock, type DataDir, ensureDataDir } from './store/datadir.ts'
import { DocumentRepository } from './store/documents.ts'
import { IngestRunLog } from './store/ingest-runs.ts'
import { SourceRepository } from './store/sources.ts'

const log = logger('node')
const BYTES_PER_MEGABYTE = 1024 * 1024
const MS_PER_MINUTE = 60_000

export interface NodeOptions {
  dataDir: DataDir
  /** take the exclusive lock (every writer); read-only commands such as `search` and `status` do not */
  exclusive: boolean
  /** load the embedding model (search needs it for hybrid queries; `sources list` does not) */
  models?: boolean
  /** also load the chat model (`serve`, `ask`); without it answers are extractive. Default false */
  chat?: boolean
  configOverrides?: (config: Config) => Config
}

/**
 * One Wissensnetz node: its data directory, store, indexes, ingest and (optionally) models. Commands and the
 * HTTP server use this one object; each part is created here and nowhere else.
 */
export class WissensnetzNode {
  readonly config: Config
  readonly db: Db
  readonly sources: SourceRepository
  readonly documents: DocumentRepository
  readonly accessSets: AccessSets
  readonly lexical: LexicalIndex
  readonly catalog: ChunkCatalog
  readonly writer: IndexWriter
  readonly pipeline: IngestPipeline
  /** document frequencies for the lexical search, scanned in the background (see index/term-stats.ts) */
  readonly termStats: TermStatsRefresher
  readonly scheduler: IngestScheduler
  readonly search: SearchService
  readonly runs: IngestRunLog
  readonly agents: AgentService
  readonly agentScopes: ScopeBindings
  /** resolves an agent for a run: instructions, parameters, template and its scope's sources */
  readonly agentRunner: AgentResolver
  embedder: Embedder | null = null
  vectors: VectorIndex | null = null
  embedding: EmbeddingStage | null = null
  readonly answers: AnswerService
  /** accounts, sessions and API tokens */
  readonly auth: AuthService
  /** single sign-on, when `auth.oidc` is configured */
  readonly oidc: OidcLogin | null
  /** the consortium network; null unless config federation.enabled (started by `serve`) */
  federation: Federation | null = null
  chat: ChatModel | null = null
  private readonly lock: DataDirLock | null

  private constructor(
    readonly dataDir: DataDir,
    private readonly options: NodeOptions,
  ) {
    ensureDataDir(dataDir)
    writeDefaultConfig(dataDir.configFile)
    const loaded = loadConfig(dataDir.configFile)
    this.config = options.configOverrides?.(loaded) ?? loaded
    this.lock = options.exclusive ? new DataDirLock(dataDir.root) : null
    this.lock?.acquire()
    try {
      this.db = openDatabase(dataDir.databaseFile)
    } catch (err) {
      this.lock?.release()
      throw err
    }
    this.sources = new SourceRepository(this.db)
    const authConfig = this.config.auth
    this.auth = createAuth({
      db: this.db,
      session: { maxAgeMs: authConfig.sessionHours * 60 * MS_PER_MINUTE, idleMs: authConfig.sessionIdleMinutes * MS_PER_MINUTE },
    })
    this.oidc = authConfig.oidc === null ? null : new OidcLogin({ settings: authConfig.oidc, auth: this.auth })
    this.documents = new DocumentRepository(this.db)
    this.accessSets = new AccessSets(this.db)
    this.catalog = ChunkCatalog.load(this.db)
    this.lexical = new LexicalIndex(this.db, { chunkCount: () => this.catalog.size })
    this.writer = new IndexWriter(this.db, this.documents, this.lexical, this.catalog)
    this.writer.onChunksRemoved((ids) => this.vectors?.remove(ids))
    this.termStats = new TermStatsRefresher({
      dbFile: dataDir.databaseFile,
      chunkCount: () => this.catalog.size,
      apply: (snapshot) => this.lexical.useTermStats(snapshot),
      onError: (err) => log.warn('term statistics not read; search looks up term frequencies one by one', err),
    })
    const ingest = this.config.ingest
    this.pipeline = new IngestPipeline({
      documents: this.documents,
      accessSets: this.accessSets,
      writer: this.writer,
      connectorFor,
      limits: { ...DEFAULT_PARSE_LIMITS, maxFileBytes: Math.round(ingest.maxFileMegabytes * BYTES_PER_MEGABYTE) },
      ocr: ingest.ocr,
      concurrency: ingest.concurrency,
    })
    this.runs = new IngestRunLog(this.db)
    const agents = createAgents({
      db: this.db,
      sources: this.sources,
      municipality: this.config.node.name,
      installStarters: options.exclusive,
    })
    this.agents = agents.service
    this.agentScopes = agents.scopes
    this.agentRunner = agents.runner
    this.scheduler = new IngestScheduler({
      runs: this.runs,
      pipeline: this.pipeline,
      sources: this.sources,
      connectorFor,
      watch: ingest.watch,
      rescanIntervalMinutes: ingest.rescanIntervalMinutes,
      afterRun: async (signal) => {
        await this.embedding?.drain(signal)
        void this.termStats.refresh()
      },
    })
    this.search = new SearchService({
      db: this.db,
      lexical: this.lexical,
      catalog: this.catalog,
      accessSets: this.accessSets,
      candidates: this.config.search.candidates,
      semantic: () => (this.embedder !== null && this.vectors !== null ? { embedder: this.embedder, index: this.vectors } : null),
    })
    this.answers = new AnswerService({
      retriever: new PassageRetriever(this.search, this.db),
      conversations: new ConversationRepository(this.db),
      chat: () => this.chat,
      agents: () => this.agentRunner,
      maxAnswerTokens: this.config.models.maxAnswerTokens,
    })
  }

  static async open(options: NodeOptions): Promise<WissensnetzNode> {
    const node = new WissensnetzNode(options.dataDir, options)
    if (node.config.federation.enabled) {
      // libp2p is a large module graph: loaded only by nodes that take part in the network.
      const { createFederation } = await import('./federation/index.ts')
      node.federation = createFederation(
        { config: node.config.federation, dataRoot: options.dataDir.root, municipality: node.config.node.name },
        { db: node.db, search: node.search, sources: node.sources, agents: node.agents },
      )
    }
    if (options.models !== false) {
      try {
        await node.loadModels()
        if (options.chat === true) await node.loadChatModel()
      } catch (err) {
        await node.close()
        throw err
      }
    }
    return node
  }

  /** Path of the configured embedding model, or null when none is configured. */
  embeddingModelPath(): string | null {
    const name = this.config.models.embedding
    if (name === null || name === '') return null
    const dir = isAbsolute(this.config.models.dir) ? this.config.models.dir : join(this.dataDir.root, this.config.models.dir)
    return isAbsolute(name) ? name : join(dir, name)
  }

  /** Path of the configured chat model, or null when none is configured. */
  chatModelPath(): string | null {
    const name = this.config.models.chat
    if (name === null || name === '') return null
    const dir = isAbsolute(this.config.models.dir) ? this.config.models.dir : join(this.dataDir.root, this.config.models.dir)
    return isAbsolute(name) ? name : join(dir, name)
  }

  private async loadChatModel(): Promise<void> {
    const path = this.chatModelPath()
    if (path === null) return
    if (!existsSync(path)) {
      log.warn(`chat model not found (${path}); answers stay extractive until it is placed there`)
      return
    }
    const models = this.config.models
    const chat = new ChatModel({
      modelPath: path,
      threads: models.threads || undefined,
      slots: models.chatSlots,
      maxQueued: models.maxQueuedRequests,
      contextSize: models.chatContextSize,
    })
    await chat.start()
    this.chat = chat
  }

  private async loadModels(): Promise<void> {
    const path = this.embeddingModelPath()
    if (path === null) return
    if (!existsSync(path)) {
      log.warn(`embedding model not found (${path}); search stays lexical until it is placed there`)
      return
    }
    this.embedder = await createLlamaEmbedder({ modelPath: path, threads: this.config.models.threads || undefined })
    this.vectors = new VectorIndex({
      dir: this.dataDir.vectorsDir,
      model: this.embedder.modelId,
      dimensions: this.embedder.dimensions,
      db: this.db,
      // Readers (search, status) never write index files: the process holding the lock owns them.
      readOnly: !this.options.exclusive,
    })
    await this.vectors.start()
    this.embedding = new EmbeddingStage(this.db, this.embedder, this.vectors, this.config.ingest.embedBatchSize)
    log.info(`embedding model loaded: ${this.embedder.modelId} (${this.embedder.dimensions} dimensions)`)
  }

  /** Deletes a source and everything indexed from it. */
  async removeSource(idOrName: number | string): Promise<void> {
    const source = this.sources.get(idOrName)
    await this.scheduler.unwatchSource(source.id)
    this.writer.remove(this.documents.topLevelIdsOfSource(source.id))
    this.sources.deleteRow(source.id)
  }

  async close(): Promise<void> {
    await this.federation?.stop()
    await this.scheduler.stop()
    await this.termStats.stop()
    await this.pipeline.close()
    await this.chat?.stop()
    await this.vectors?.stop()
    await this.embedder?.close()
    this.db.close()
    this.lock?.release()
  }
}

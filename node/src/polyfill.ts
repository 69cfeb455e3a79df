// libp2p 3 and pdfjs-dist call Promise.withResolvers, which Node 20 lacks (see docs/operations.md).
// Every entry point imports this module first.
declare global {
  interface PromiseConstructor {
    withResolvers<T>(): { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void }
  }
}

if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void
    let reject!: (reason?: unknown) => void
    const promise = new Promise<T>((a, b) => {
      resolve = a
      reject = b
    })
    return { promise, resolve, reject }
  }
}

export {}

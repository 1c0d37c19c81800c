declare module "@remix-run/node" {
  interface AppLoadContext {
    /** CSP nonce for this response's inline scripts. */
    cspNonce: string;
  }
}

export {};

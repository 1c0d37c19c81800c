declare module "@remix-run/node" {
  interface AppLoadContext {
    /** CSP nonce for this response's inline scripts. */
    cspNonce: string;
    /** The client's address (X-Forwarded-For is trusted from loopback proxies only). */
    clientIp: string;
  }
}

export {};

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** CSP nonce for this response's inline scripts. */
    cspNonce: string;
    /** The client's address: the socket's, or X-Forwarded-For from proxies TRUST_PROXY names. */
    clientIp: string;
  }
}

export {};

import { createContext, useContext } from "react";

// The CSP nonce of this response. Browsers hide nonce attributes from scripts, so on
// the client the value is empty and React keeps the server's attribute as it was.
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);

import { createContext, useContext } from "react";

/** The CSP nonce travels from getLoadContext to <Scripts> through React context, never loader data. */
export const NonceContext = createContext("");
export const useNonce = () => useContext(NonceContext);

/** Typed Socket.IO event maps, shared by the server and the browser client. */

export type AckError = { code: string; message: string };
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckFn<T> = (response: Ack<T>) => void;

export interface WhoAmI {
  id: string;
  displayName: string;
}

export interface ClientToServerEvents {
  whoami: (ack: AckFn<WhoAmI>) => void;
}

export interface ServerToClientEvents {
  notice: (notice: { message: string }) => void;
}

export const SOCKET_AUTH_ERROR = "unauthorized";
export const SOCKET_ORIGIN_ERROR = "forbidden origin";

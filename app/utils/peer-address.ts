/**
 * How the socket's remote address reaches a Remix loader or action: our server wrapper
 * (scripts/http-server.ts) writes it into this request header, overwriting whatever a client sent
 * under the same name, so a client can never choose it.
 */
export const PEER_ADDRESS_HEADER = "x-relance-peer-address";

/** Node's request headers with the peer header set to the socket's address (or removed when unknown). */
export function stampPeerAddress(headers: Record<string, string | string[] | undefined>, socketAddress: string | undefined) {
  delete headers[PEER_ADDRESS_HEADER];
  if (socketAddress) headers[PEER_ADDRESS_HEADER] = socketAddress;
}

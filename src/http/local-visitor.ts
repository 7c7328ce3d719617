import { BlockList, isIPv6 } from 'node:net';
import type { Request } from 'express';

/** Host names that only this machine can reach; a DNS-rebound name is never one of them. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** 127.0.0.0/8 and ::1; BlockList also matches their IPv4-mapped forms (::ffff:127.0.0.1). */
const LOOPBACK_ADDRESSES = new BlockList();
LOOPBACK_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK_ADDRESSES.addAddress('::1', 'ipv6');

/** A Host header fit to be written into the CSP (a name or address with an optional port). */
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Whether the page may be handed the development token. Decided by the socket's peer, which a client
 * cannot choose, never by Host or X-Forwarded-For, which it can. The Host must be a loopback name as
 * well, so a page on a DNS-rebound name cannot read the token through the visitor's browser. A forwarded
 * request is refused: behind a proxy on this machine every visitor's peer is loopback.
 * The IDE (ide.ts) and the console (console.ts) share this one rule.
 */
export function isVisitorOnThisMachine(req: Request): boolean {
  const peer = req.socket.remoteAddress;
  return (
    peer !== undefined &&
    LOOPBACK_ADDRESSES.check(peer, isIPv6(peer) ? 'ipv6' : 'ipv4') &&
    LOOPBACK_HOSTS.has(hostName(req.headers.host ?? '')) &&
    req.headers['x-forwarded-for'] === undefined &&
    req.headers.forwarded === undefined
  );
}

/** The same host's WebSocket origins for a CSP's connect-src; none when the Host header is not plain. */
export function sameHostSockets(host: string): string {
  return PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
}

function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

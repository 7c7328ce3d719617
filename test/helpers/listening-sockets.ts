import { readFileSync } from 'node:fs';

/** The byte order of /proc/net/tcp*: each 32-bit word of an address in host (little-endian) order. */
function addressFromProcHex(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse());
  if (bytes.length === 4) return bytes.map((byte) => parseInt(byte, 16)).join('.');
  return (bytes.join('').match(/.{4}/g) ?? []).join(':');
}

const LISTEN_STATE = '0A';

/**
 * The local addresses the kernel has listening sockets on for `port` (Linux /proc/net/tcp and tcp6):
 * what a process really bound, whatever URL it printed. IPv6 addresses come uncompressed.
 */
export function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN_STATE) continue;
      const [address, portHex] = local.split(':');
      if (parseInt(portHex, 16) === port) addresses.push(addressFromProcHex(address));
    }
  }
  return addresses;
}

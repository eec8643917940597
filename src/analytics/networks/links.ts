// What links two accounts in the behaviour network, how much each kind of link weighs, and the bounds on a build.

/**
 * - bank_entry: both accounts posted media that matched the same bank entry (a signal's evidence.bankEntryId).
 * - media: both posted byte-identical media (same sha256) that some hash-matching detector matched.
 * - minor_contact: both contacted (message or friend request) the same minor-band account.
 * - device: items of both carried the same `metadata.deviceId` (an opaque id the platform supplies, ideally hashed).
 * - ip: items of both carried the same `metadata.ipHash` (a hash the platform supplies; Haven never sees a clear IP).
 */
export const LINK_TYPES = ['bank_entry', 'media', 'minor_contact', 'device', 'ip'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** The item metadata keys the platform puts its device and IP identifiers in. Values are treated as opaque strings. */
export const DEVICE_METADATA_KEY = 'deviceId';
export const IP_METADATA_KEY = 'ipHash';

/**
 * Weight one shared key adds to the edge between two accounts. A shared banked entry or device is strong evidence
 * of one actor or a coordinated group; a shared IP hash is weaker (carrier NAT, public wifi); a shared minor target
 * is weak alone but adds up over several targets.
 */
export const LINK_WEIGHTS: Readonly<Record<LinkType, number>> = {
  bank_entry: 3,
  media: 2,
  device: 3,
  ip: 1,
  minor_contact: 1,
};

/** One fact: `accountId` has `key` of kind `type`, shown by item `itemId`. The graph joins accounts on (type, key). */
export interface LinkRow {
  accountId: string;
  type: LinkType;
  key: string;
  itemId: string;
}

/**
 * Bounds on one build, so memory stays proportional to the caps and not to the data:
 * - keys held by more than `maxAccountsPerKey` accounts are hubs (a popular account everyone messages, a viral
 *   image, a shared office IP) and make no edges: they would add k(k-1)/2 edges and say little about a group;
 * - at most `maxNodes` accounts (the first seen in row order: the store loads newest first) and `maxEdges` edges;
 *   rows beyond are dropped and the graph is marked truncated;
 * - each node keeps at most `maxKeysPerNode` keys per link type (for the reasons), each edge at most
 *   `maxEvidencePerEdge` evidence item ids.
 */
export interface GraphBounds {
  maxAccountsPerKey: number;
  maxNodes: number;
  maxEdges: number;
  maxKeysPerNode: number;
  maxEvidencePerEdge: number;
}

export const DEFAULT_GRAPH_BOUNDS: GraphBounds = {
  maxAccountsPerKey: 50,
  maxNodes: 50_000,
  maxEdges: 500_000,
  maxKeysPerNode: 200,
  maxEvidencePerEdge: 10,
};

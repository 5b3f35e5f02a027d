/// The trie of a block's list (`RLP(index) → value`: its transactions,
/// receipts or withdrawals), split so that the expensive part — encoding and
/// hashing each entry's leaf — can run per entry, in any order and on any
/// thread, as soon as the number of entries is known.
///
/// The shape of a trie depends only on its keys, and here the keys are
/// `RLP(0) … RLP(count - 1)`: a leaf sits one nibble below the longest prefix
/// its key shares with a neighbour in key order, so every leaf's remaining
/// path is known up front. `leaf(_:value:)` builds one leaf reference;
/// `root(_:)` assembles the branch and extension nodes above the leaves
/// (about one node per fifteen leaves).
public struct OrderedTrie: Sendable {
  /// The number of entries.
  public let count: Int
  /// Entry indices in key order.
  @usableFromInline let order: [Int]
  /// Per entry index: the nibble depth of its leaf (the nibbles of its key
  /// that the nodes above consume).
  @usableFromInline let depths: [Int]

  public init(count: Int) {
    self.count = count
    // RLP(i) in byte order: 1…127 (one byte 0x01…0x7f), 0 (0x80), then
    // 128, 129, … (0x81 xx, 0x82 xx xx, …; longer keys sort after shorter).
    var order: [Int] = []
    order.reserveCapacity(count)
    if count > 1 { order.append(contentsOf: 1..<min(count, 128)) }
    if count > 0 { order.append(0) }
    if count > 128 { order.append(contentsOf: 128..<count) }
    self.order = order
    var depths = [Int](repeating: 0, count: count)
    if count > 1 {
      // Shared nibbles of each adjacent pair in key order.
      var shared = [Int](repeating: 0, count: count - 1)
      for position in 0..<(count - 1) {
        shared[position] = Self.sharedNibbles(
          Self.key(order[position]), Self.key(order[position + 1]))
      }
      for position in 0..<count {
        let before = position > 0 ? shared[position - 1] : 0
        let after = position < count - 1 ? shared[position] : 0
        depths[order[position]] = max(before, after) + 1
      }
    }
    self.depths = depths
  }

  /// `RLP(index)`.
  public static func key(_ index: Int) -> [UInt8] {
    var encoder = RLPEncoder(reservingCapacity: 9)
    encoder.append(UInt64(index))
    return encoder.bytes
  }

  /// The number of leading nibbles `a` and `b` share.
  static func sharedNibbles(_ a: [UInt8], _ b: [UInt8]) -> Int {
    var i = 0
    while i < a.count && i < b.count && a[i] == b[i] { i += 1 }
    if i < a.count && i < b.count && a[i] >> 4 == b[i] >> 4 { return 2 * i + 1 }
    return 2 * i
  }

  /// The reference to entry `index`'s leaf node, `value` being the entry's
  /// encoding (non-empty). Pure: safe to call concurrently.
  public func leaf(_ index: Int, value: [UInt8]) -> TrieReference {
    precondition(index >= 0 && index < count && !value.isEmpty)
    let key = Self.key(index)
    var builder = TrieBuilder(keys: [], values: [], capacity: value.count + 16)
    let header = builder.out.beginList()
    builder.appendHexPrefix(key, from: depths[index], to: key.count * 2, leaf: true)
    builder.out.append(bytes: value)
    builder.out.endList(header)
    let node = builder.out.bytes
    return node.count >= 32 ? .hash(Keccak256.hash(node)) : .embedded(node)
  }

  /// The root over every entry's leaf reference (`leaves[i]` for entry `i`).
  public func root(_ leaves: [TrieReference]) -> Bytes32 {
    precondition(leaves.count == count, "one leaf per entry")
    if count == 0 { return MerklePatriciaTrie.emptyRoot }
    if count == 1 {
      // The root node is referenced by hash however short it is.
      switch leaves[0] {
      case .hash(let hash): return hash
      case .embedded(let node): return Keccak256.hash(node)
      }
    }
    var builder = TrieBuilder(
      keys: order.map(Self.key), values: [],
      leafReferences: order.map { leaves[$0] })
    builder.appendNode(0, count, 0)
    return builder.out.storage.withUnsafeBytes { Keccak256.hash($0) }
  }
}

/// How a parent node refers to a child: by the hash of its encoding, or by
/// the encoding itself when that is shorter than 32 bytes.
public enum TrieReference: Sendable, Equatable {
  case hash(Bytes32)
  case embedded([UInt8])
}

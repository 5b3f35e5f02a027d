import Dispatch

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
  /// The keys in key order.
  let keys: OrderedKeys
  /// Per entry index: the nibble depth of its leaf (the nibbles of its key
  /// that the nodes above consume).
  let depths: [Int]

  public init(count: Int) {
    precondition(count >= 0 && count < 1 << 48, "entry count out of range")
    self.count = count
    // RLP(i) in byte order: 1…127 (one byte 0x01…0x7f), 0 (0x80), then
    // 128, 129, … (0x81 xx, 0x82 xx xx, …; longer keys sort after shorter).
    var order: [Int] = []
    order.reserveCapacity(count)
    if count > 1 { order.append(contentsOf: 1..<min(count, 128)) }
    if count > 0 { order.append(0) }
    if count > 128 { order.append(contentsOf: 128..<count) }
    keys = OrderedKeys(order: order)
    var depths = [Int](repeating: 0, count: count)
    if count > 1 {
      var before = 0
      for position in 0..<count {
        let after = position < count - 1 ? keys.sharedNibbles(position, position + 1) : 0
        depths[order[position]] = max(before, after) + 1
        before = after
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

  /// The reference to entry `index`'s leaf node, `value` being the entry's
  /// encoding (non-empty). Pure: safe to call concurrently. A long value is
  /// hashed where it lies, after the leaf's few header bytes.
  public func leaf(_ index: Int, value: [UInt8]) -> TrieReference {
    precondition(index >= 0 && index < count && !value.isEmpty)
    let key = OrderedKeys.packed(index)
    var path = RLPEncoder(reservingCapacity: 12)
    TrieBuilder<OrderedKeys>.appendHexPrefix(
      from: depths[index], to: key.nibbles, leaf: true, into: &path,
      nibble: { key.nibble($0) })
    let valueSize = RLPEncoder.stringSize(count: value.count, first: value.first)
    let payload = path.storage.count + valueSize
    var prefix = RLPEncoder(reservingCapacity: 32)
    prefix.appendListHeader(payloadLength: payload)
    prefix.appendRaw(path.storage)
    if valueSize == 1 {
      prefix.appendRaw(value)  // a single byte below 0x80 is its own encoding
    } else {
      prefix.appendHeader(length: value.count, offset: 0x80)
    }
    if RLPEncoder.headerSize(payloadLength: payload) + payload < 32 {
      if valueSize != 1 { prefix.appendRaw(value) }
      return .embedded(prefix.storage)
    }
    var hasher = Keccak256.Hasher()
    hasher.update(prefix.storage)
    if valueSize != 1 { hasher.update(value) }
    return .hash(hasher.finalize())
  }

  /// The root over every entry's leaf reference (`leaves[i]` for entry `i`),
  /// the nodes below the top few levels built on `threads` threads.
  public func root(_ leaves: [TrieReference], threads: Int) -> Bytes32 {
    guard threads > 1 && count >= 256 else { return root(leaves) }
    let ordered = keys.order.map { leaves[$0] }
    let builder = TrieBuilder(keys: keys, count: count, leafReferences: ordered, capacity: 4096)
    var found: [TrieSubtree] = []
    builder.subtrees(0, count, 0, limit: max(16, count / (8 * threads)), into: &found)
    let subtrees = found
    let references = UnsafeMutableBufferPointer<TrieReference?>.allocate(capacity: subtrees.count)
    references.initialize(repeating: nil)
    defer { references.deinitialize().deallocate() }
    let slots = UnsafeSendable(references)
    WorkerPool.shared.run(threads) { thread in
      // Each thread builds every `threads`-th subtree into its own slots.
      var local = builder
      for i in stride(from: thread, to: subtrees.count, by: threads) {
        slots.value[i] = local.reference(subtrees[i])
      }
    }
    var top = builder
    for (subtree, reference) in zip(subtrees, references) {
      top.subtreeReferences[subtree] = reference!
    }
    top.out.removeAll()
    top.appendNode(0, count, 0)
    return top.out.storage.withUnsafeBytes { Keccak256.hash($0) }
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
      keys: keys, count: count, leafReferences: keys.order.map { leaves[$0] },
      capacity: 4096)
    builder.appendNode(0, count, 0)
    return builder.out.storage.withUnsafeBytes { Keccak256.hash($0) }
  }
}

/// The keys `RLP(i)` of an ordered trie, computed from `i`: at most 8 bytes
/// for the entry counts allowed, held left-aligned in a `UInt64`.
struct OrderedKeys: TrieKeys, Sendable {
  /// Entry indices in key order.
  let order: [Int]

  struct Packed {
    var bits: UInt64
    var nibbles: Int

    @inline(__always)
    func nibble(_ index: Int) -> UInt8 {
      UInt8(truncatingIfNeeded: bits >> UInt64(60 - 4 * index)) & 0x0f
    }
  }

  /// `RLP(index)` packed: `0x80` for zero, the byte itself below 128, else
  /// `0x80 + length` and the big-endian bytes.
  @inline(__always)
  static func packed(_ index: Int) -> Packed {
    if index == 0 { return Packed(bits: 0x80 << 56, nibbles: 2) }
    if index < 128 { return Packed(bits: UInt64(index) << 56, nibbles: 2) }
    let length = (64 - UInt64(index).leadingZeroBitCount + 7) / 8
    let bits = UInt64(0x80 + length) << 56 | UInt64(index) << UInt64(56 - 8 * length)
    return Packed(bits: bits, nibbles: 2 * (length + 1))
  }

  @inline(__always)
  func nibbleCount(_ position: Int) -> Int { Self.packed(order[position]).nibbles }

  @inline(__always)
  func nibble(_ position: Int, _ index: Int) -> UInt8 { Self.packed(order[position]).nibble(index) }

  /// The number of leading nibbles the keys at two positions share.
  func sharedNibbles(_ a: Int, _ b: Int) -> Int {
    let x = Self.packed(order[a])
    let y = Self.packed(order[b])
    return min((x.bits ^ y.bits).leadingZeroBitCount / 4, x.nibbles, y.nibbles)
  }
}

/// How a parent node refers to a child: by the hash of its encoding, or by
/// the encoding itself when that is shorter than 32 bytes.
public enum TrieReference: Sendable, Equatable {
  case hash(Bytes32)
  case embedded([UInt8])
}

/// A value handed to concurrent closures whose accesses the caller keeps
/// apart (here: each thread writes distinct slots of a buffer, read after
/// the threads are joined).
struct UnsafeSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

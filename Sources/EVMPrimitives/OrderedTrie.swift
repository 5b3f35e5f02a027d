import Synchronization

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

/// An ordered trie's root hashed while its leaves are still being built: the
/// nodes below the top few levels are split into subtrees of a few leaves
/// each, and the thread that stores a subtree's last leaf hashes the
/// subtree, so that at the end only the top nodes are left.
///
/// Invariants: leaf `i` is written once, into `leaves[i]`, by the thread
/// that then calls `leafStored(i)` (any thread; each index once). Subtree
/// `s` counts its leaves not yet stored; the decrement that reaches zero
/// (acquiring and releasing, so it sees every leaf the other decrements
/// published) belongs to the one thread that then hashes the subtree and
/// writes `references[s]`. `root()` runs after every writer has finished
/// (ordered by the caller's join), and hashes what is left.
public final class IncrementalOrderedRoot: @unchecked Sendable {
  let trie: OrderedTrie
  let leaves: UnsafeMutableBufferPointer<TrieReference>
  let subtrees: [TrieSubtree]
  /// Per entry index: its subtree, or -1 (a leaf the top nodes reference).
  let subtreeOf: [Int32]
  /// Subtree `s`'s count of leaves not yet stored, at `s * counterStride`.
  let remaining: UnsafeMutablePointer<Atomic<Int>>
  let references: UnsafeMutableBufferPointer<TrieReference?>

  /// Subtrees hold at most this many leaves.
  static let subtreeLeaves = 32
  /// Counters sit a cache line apart (threads finishing different subtrees
  /// do not share one).
  static let counterStride = 64 / MemoryLayout<Atomic<Int>>.stride

  /// A root over `leaves` (one per entry of `trie`, indexed by entry),
  /// which must outlive this object's use.
  public init(trie: OrderedTrie, leaves: UnsafeMutableBufferPointer<TrieReference>) {
    precondition(leaves.count == trie.count, "one leaf per entry")
    self.trie = trie
    self.leaves = leaves
    var found: [TrieSubtree] = []
    if trie.count > 2 * Self.subtreeLeaves {
      let builder = TrieBuilder(keys: trie.keys, count: trie.count)
      builder.subtrees(0, trie.count, 0, limit: Self.subtreeLeaves, into: &found)
    }
    subtrees = found
    var subtreeOf = [Int32](repeating: -1, count: trie.count)
    for (s, subtree) in found.enumerated() {
      for position in subtree.lo..<subtree.hi { subtreeOf[trie.keys.order[position]] = Int32(s) }
    }
    self.subtreeOf = subtreeOf
    remaining = .allocate(capacity: max(found.count, 1) * Self.counterStride)
    for (s, subtree) in found.enumerated() {
      (remaining + s * Self.counterStride).initialize(to: Atomic(subtree.hi - subtree.lo))
    }
    references = .allocate(capacity: max(found.count, 1))
    references.initialize(repeating: nil)
  }

  deinit {
    for s in subtrees.indices { (remaining + s * Self.counterStride).deinitialize(count: 1) }
    remaining.deallocate()
    references.deinitialize()
    references.deallocate()
  }

  /// Leaf `index` has been written: hashes its subtree when it was the
  /// subtree's last.
  public func leafStored(_ index: Int) {
    let s = Int(subtreeOf[index])
    guard s >= 0 else { return }
    let left = remaining[s * Self.counterStride].subtract(1, ordering: .acquiringAndReleasing)
      .newValue
    guard left == 0 else { return }
    references[s] = reference(subtrees[s])
  }

  private func reference(_ subtree: TrieSubtree) -> TrieReference {
    let local = (subtree.lo..<subtree.hi).map { leaves[trie.keys.order[$0]] }
    var builder = TrieBuilder(keys: trie.keys, count: trie.count, leafReferences: local)
    builder.leafOffset = subtree.lo
    return builder.reference(subtree)
  }

  /// The root (call once every leaf is stored).
  public func root() -> Bytes32 {
    guard !subtrees.isEmpty else { return trie.root(Array(leaves)) }
    var top = TrieBuilder(
      keys: trie.keys, count: trie.count, leafReferences: trie.keys.order.map { leaves[$0] },
      capacity: 4096)
    for (s, subtree) in subtrees.enumerated() {
      top.subtreeReferences[subtree] = references[s] ?? reference(subtree)
    }
    top.appendNode(0, trie.count, 0)
    return top.out.storage.withUnsafeBytes { Keccak256.hash($0) }
  }
}

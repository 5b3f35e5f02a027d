/// Roots of Ethereum's Merkle Patricia tries, computed in one pass over a
/// final key/value set.
///
/// The executor only needs roots at the end of a block (state, storage,
/// transactions, receipts, withdrawals), so there is no incremental trie: the
/// entries are sorted by key, and the nodes are built bottom-up by recursing
/// over index ranges of the sorted array that share a nibble prefix. All node
/// encodings are written into one reusable buffer; a child whose encoding is
/// 32 bytes or more is replaced in place by its Keccak-256 reference, shorter
/// ones stay embedded, as the Yellow Paper requires.
public enum MerklePatriciaTrie {
  /// The root of the empty trie, `keccak256(0x80)`:
  /// `56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421`.
  public static let emptyRoot = Keccak256.hash([0x80] as [UInt8])

  /// The root of the trie mapping each key to its value.
  ///
  /// An empty value means the key is absent. If a key occurs more than once,
  /// the last occurrence wins.
  public static func root(_ pairs: [(key: [UInt8], value: [UInt8])]) -> Bytes32 {
    // Sort indices by (key, position) so that the last duplicate is last in its run.
    var order = Array(pairs.indices)
    pairs.withUnsafeBufferPointer { entries in
      order.sort { a, b in
        let order = compareBytes(entries[a].key, entries[b].key)
        return order != 0 ? order < 0 : a < b
      }
    }
    var keys: [[UInt8]] = []
    var values: [[UInt8]] = []
    keys.reserveCapacity(pairs.count)
    values.reserveCapacity(pairs.count)
    var i = 0
    while i < order.count {
      var last = order[i]
      i += 1
      while i < order.count, pairs[order[i]].key == pairs[last].key {
        last = order[i]
        i += 1
      }
      if !pairs[last].value.isEmpty {
        keys.append(pairs[last].key)
        values.append(pairs[last].value)
      }
    }
    return rootOfSorted(keys: keys, values: values)
  }

  /// The root of a secure trie: each key is replaced by its Keccak-256 hash
  /// (as in the state trie and the storage tries). Empty values are absent;
  /// for a repeated key the last occurrence wins.
  public static func secureRoot(_ pairs: [(key: [UInt8], value: [UInt8])]) -> Bytes32 {
    root(pairs.map { (key: Keccak256.hash($0.key).bytes, value: $0.value) })
  }

  /// The root of a secure trie whose keys are already hashed.
  public static func root(hashedKeys pairs: [(key: Bytes32, value: [UInt8])]) -> Bytes32 {
    root(pairs.map { (key: $0.key.bytes, value: $0.value) })
  }

  /// The root of the trie mapping `RLP(index)` to `values[index]`: the
  /// transactions, receipts and withdrawals roots of a block header.
  /// The values must be non-empty (encodings of transactions, receipts or
  /// withdrawals always are).
  public static func orderedRoot(_ values: [[UInt8]]) -> Bytes32 {
    let trie = OrderedTrie(count: values.count)
    return trie.root(values.indices.map { trie.leaf($0, value: values[$0]) })
  }

  /// Root of entries already sorted by key, unique and with non-empty values.
  static func rootOfSorted(keys: [[UInt8]], values: [[UInt8]]) -> Bytes32 {
    if keys.isEmpty { return emptyRoot }
    var builder = TrieBuilder(keys: ByteKeys(keys: keys), count: keys.count, values: values)
    builder.appendNode(0, keys.count, 0)
    // The root is always referenced by hash, however short its encoding.
    return builder.out.storage.withUnsafeBytes { Keccak256.hash($0) }
  }

  /// Lexicographic comparison of byte strings: negative, zero or positive.
  @inline(__always)
  static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        let common = min(pa.count, pb.count)
        var i = 0
        while i < common {
          if pa[i] != pb[i] { return Int(pa[i]) - Int(pb[i]) }
          i += 1
        }
        return pa.count - pb.count
      }
    }
  }
}

/// The sorted, unique keys a `TrieBuilder` builds over, by position.
protocol TrieKeys {
  /// The number of nibbles of the key at `position`.
  func nibbleCount(_ position: Int) -> Int
  /// Nibble `index` of the key at `position` (two per byte, high first).
  func nibble(_ position: Int, _ index: Int) -> UInt8
}

/// Keys held as byte arrays.
struct ByteKeys: TrieKeys {
  let keys: [[UInt8]]

  @inline(__always)
  func nibbleCount(_ position: Int) -> Int { keys[position].count * 2 }

  @inline(__always)
  func nibble(_ position: Int, _ index: Int) -> UInt8 {
    let byte = keys[position][index >> 1]
    return index & 1 == 0 ? byte >> 4 : byte & 0x0f
  }
}

/// The node of keys `lo..<hi` (by position) at nibble depth `depth`.
struct TrieSubtree: Hashable, Sendable {
  var lo: Int
  var hi: Int
  var depth: Int
}

extension TrieBuilder: Sendable where Keys: Sendable {}

/// Writes trie nodes for sorted, unique keys into one RLP buffer.
///
/// Leaves come either from `values` (encoded here) or, when given, from
/// `leafReferences`: each leaf's reference built beforehand (`OrderedTrie`).
struct TrieBuilder<Keys: TrieKeys> {
  let keys: Keys
  let count: Int
  let values: [[UInt8]]
  let leafReferences: [TrieReference]?
  /// The position of `leafReferences[0]` (a subtree's leaves only).
  var leafOffset = 0
  /// References of whole subtrees computed beforehand (by other threads),
  /// for the node of keys `lo..<hi` at `depth`.
  var subtreeReferences: [TrieSubtree: TrieReference] = [:]
  var out: RLPEncoder

  init(
    keys: Keys, count: Int, values: [[UInt8]] = [], leafReferences: [TrieReference]? = nil,
    capacity: Int = 1024
  ) {
    self.keys = keys
    self.count = count
    self.values = values
    self.leafReferences = leafReferences
    out = RLPEncoder(reservingCapacity: capacity)
  }

  /// The reference to the node of keys `lo..<hi` at `depth`.
  mutating func reference(_ subtree: TrieSubtree) -> TrieReference {
    out.removeAll()
    appendNode(subtree.lo, subtree.hi, subtree.depth)
    if out.storage.count >= 32 { return .hash(out.storage.withUnsafeBytes { Keccak256.hash($0) }) }
    return .embedded(out.storage)
  }

  /// Subtrees of at most `limit` keys (and more than one) that together
  /// cover the nodes below the root, found by the same splitting as
  /// `appendNode`.
  func subtrees(_ lo: Int, _ hi: Int, _ depth: Int, limit: Int, into list: inout [TrieSubtree]) {
    if hi - lo == 1 { return }
    if hi - lo <= limit && depth > 0 {
      list.append(TrieSubtree(lo: lo, hi: hi, depth: depth))
      return
    }
    let limitNibbles = min(keys.nibbleCount(lo), keys.nibbleCount(hi - 1))
    var common = depth
    while common < limitNibbles, keys.nibble(lo, common) == keys.nibble(hi - 1, common) {
      common += 1
    }
    if common > depth {
      subtrees(lo, hi, common, limit: limit, into: &list)
      return
    }
    var i = lo
    if keys.nibbleCount(lo) == depth { i += 1 }
    for n in 0..<16 as Range<UInt8> {
      var j = i
      while j < hi, keys.nibble(j, depth) == n { j += 1 }
      if j > i { subtrees(i, j, depth + 1, limit: limit, into: &list) }
      i = j
    }
  }

  /// Appends the node for keys `lo..<hi` (which share their first `depth`
  /// nibbles) as a child reference: its encoding if under 32 bytes, else the
  /// 32-byte string of its hash.
  mutating func appendReference(_ lo: Int, _ hi: Int, _ depth: Int) {
    var known: TrieReference? = nil
    if hi - lo == 1, let leafReferences {
      known = leafReferences[lo - leafOffset]
    } else if !subtreeReferences.isEmpty {
      known = subtreeReferences[TrieSubtree(lo: lo, hi: hi, depth: depth)]
    }
    if let known {
      switch known {
      case .hash(let hash): out.append(hash)
      case .embedded(let node): out.storage.append(contentsOf: node)
      }
      return
    }
    let start = out.storage.count
    appendNode(lo, hi, depth)
    if out.storage.count - start >= 32 {
      let hash = out.storage.withUnsafeBytes {
        Keccak256.hash(UnsafeRawBufferPointer(rebasing: $0[start...]))
      }
      out.storage.removeSubrange(start...)
      out.append(hash)
    }
  }

  /// Appends the RLP encoding of the node for keys `lo..<hi` at `depth`.
  mutating func appendNode(_ lo: Int, _ hi: Int, _ depth: Int) {
    if hi - lo == 1 {
      // Leaf: the rest of the path and the value.
      let header = out.beginList()
      appendHexPrefix(lo, from: depth, to: keys.nibbleCount(lo), leaf: true)
      out.append(bytes: values[lo])
      out.endList(header)
      return
    }
    // The range is sorted, so its common prefix is that of its first and last keys.
    let limit = min(keys.nibbleCount(lo), keys.nibbleCount(hi - 1))
    var common = depth
    while common < limit, keys.nibble(lo, common) == keys.nibble(hi - 1, common) { common += 1 }
    if common > depth {
      // Extension: the shared nibbles, then the branch below them.
      let header = out.beginList()
      appendHexPrefix(lo, from: depth, to: common, leaf: false)
      appendReference(lo, hi, common)
      out.endList(header)
      return
    }
    // Branch: sixteen children by next nibble, then the value of a key ending here.
    let header = out.beginList()
    var i = lo
    var valueIndex = -1
    if keys.nibbleCount(lo) == depth {
      valueIndex = lo
      i += 1
    }
    for n in 0..<16 as Range<UInt8> {
      var j = i
      while j < hi, keys.nibble(j, depth) == n { j += 1 }
      if j > i {
        appendReference(i, j, depth + 1)
      } else {
        out.storage.append(0x80)
      }
      i = j
    }
    if valueIndex >= 0 {
      out.append(bytes: values[valueIndex])
    } else {
      out.storage.append(0x80)
    }
    out.endList(header)
  }

  /// Appends nibbles `start..<end` of the key at `position` in hex-prefix
  /// encoding as an RLP string: a flag nibble (2 for a leaf, +1 for odd
  /// length), a padding nibble for even lengths, then the nibbles packed two
  /// per byte.
  mutating func appendHexPrefix(_ position: Int, from start: Int, to end: Int, leaf: Bool) {
    let keys = self.keys
    Self.appendHexPrefix(
      from: start, to: end, leaf: leaf, into: &out, nibble: { keys.nibble(position, $0) })
  }

  /// Hex-prefix encoding of nibbles `start..<end` given by `nibble`.
  @inline(__always)
  static func appendHexPrefix(
    from start: Int, to end: Int, leaf: Bool, into out: inout RLPEncoder,
    nibble: (Int) -> UInt8
  ) {
    let length = end - start
    let odd = length & 1
    var firstByte = UInt8((leaf ? 2 : 0) + odd) << 4
    var position = start
    if odd == 1 {
      firstByte |= nibble(start)
      position += 1
    }
    let byteCount = length / 2 + 1
    if byteCount == 1 {
      out.storage.append(firstByte)  // below 0x80: a single-byte string is itself
      return
    }
    out.appendHeader(length: byteCount, offset: 0x80)
    out.storage.append(firstByte)
    while position < end {
      out.storage.append(nibble(position) << 4 | nibble(position + 1))
      position += 2
    }
  }
}

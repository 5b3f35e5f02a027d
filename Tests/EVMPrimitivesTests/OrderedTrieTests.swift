import EVMPrimitives
import Testing

/// `OrderedTrie` (leaves built one by one, then the nodes above) must give
/// the root that the general trie builder gives for the keys `RLP(0)…`.
@Suite struct OrderedTrieTests {
  /// Deterministic bytes of varied lengths: short values make embedded
  /// (under 32 bytes) leaves, long ones hashed leaves.
  static func value(_ index: Int, seed: UInt64) -> [UInt8] {
    var x = seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
      x ^= x >> 33
      x = x &* 0xFF51_AFD7_ED55_8CCD
      x ^= x >> 29
      return x
    }
    let length = Int(next() % 3 == 0 ? next() % 8 + 1 : next() % 300 + 1)
    return (0..<length).map { _ in UInt8(truncatingIfNeeded: next()) }
  }

  static func reference(_ values: [[UInt8]]) -> Bytes32 {
    MerklePatriciaTrie.root(
      values.enumerated().map { (key: OrderedTrie.key($0.offset), value: $0.element) })
  }

  static func ordered(_ values: [[UInt8]]) -> Bytes32 {
    let trie = OrderedTrie(count: values.count)
    // Leaves built in reverse order: the order must not matter.
    var leaves = [TrieReference?](repeating: nil, count: values.count)
    for index in values.indices.reversed() {
      leaves[index] = trie.leaf(index, value: values[index])
    }
    return trie.root(leaves.map { $0! })
  }

  @Test func everyCountUpTo300() {
    for count in 0...300 {
      let values = (0..<count).map { Self.value($0, seed: UInt64(count)) }
      #expect(Self.ordered(values) == Self.reference(values), "count \(count)")
    }
  }

  @Test(arguments: [1_000, 4_096, 4_097, 65_535, 65_536, 66_000])
  func largeCounts(count: Int) {
    let values = (0..<count).map { Self.value($0, seed: 7) }
    #expect(Self.ordered(values) == Self.reference(values))
  }

  @Test func shortValuesOnly() {
    for count in [1, 2, 3, 17, 129, 300] {
      let values = (0..<count).map { [UInt8(truncatingIfNeeded: $0), 0x01] }
      #expect(Self.ordered(values) == Self.reference(values), "count \(count)")
      #expect(MerklePatriciaTrie.orderedRoot(values) == Self.reference(values))
    }
  }

  /// The root hashed while leaves arrive (`IncrementalOrderedRoot`), the
  /// leaves stored in a shuffled order from several threads at once, equals
  /// the general builder's root.
  @Test(arguments: [0, 1, 2, 64, 65, 66, 127, 128, 129, 300, 1_428, 4_097, 20_000])
  func incrementalRoot(count: Int) {
    let values = (0..<count).map { Self.value($0, seed: 13) }
    let trie = OrderedTrie(count: count)
    var leaves = [TrieReference](repeating: .hash(.zero), count: count)
    var order = Array(0..<count)
    var generator = SplitMix64(seed: UInt64(count))
    order.shuffle(using: &generator)
    let shuffled = order
    let threads = 4
    leaves.withUnsafeMutableBufferPointer { buffer in
      let root = IncrementalOrderedRoot(trie: trie, leaves: buffer)
      let shared = SharedBuffer(buffer)
      WorkerPool.shared.run(threads) { thread in
        for position in stride(from: thread, to: shuffled.count, by: threads) {
          let index = shuffled[position]
          shared.value[index] = trie.leaf(index, value: values[index])
          root.leafStored(index)
        }
      }
      #expect(root.root() == Self.reference(values), "count \(count)")
    }
  }

  @Test func emptyTrie() {
    #expect(OrderedTrie(count: 0).root([]) == MerklePatriciaTrie.emptyRoot)
  }

  /// A known root: the receipts root of mainnet block 46147 (one legacy
  /// transaction) is fixed by its header; here a self-check of the single
  /// entry case against a hand-built leaf: rlp([hp(key, leaf), value]).
  @Test func singleEntryIsTheHashOfItsLeaf() {
    let value: [UInt8] = Array(repeating: 0xab, count: 40)
    var leaf = RLPEncoder()
    leaf.appendList { list in
      list.append(bytes: [0x20, 0x80])  // hex prefix: leaf, even, key 0x80
      list.append(bytes: value)
    }
    #expect(MerklePatriciaTrie.orderedRoot([value]) == Keccak256.hash(leaf.bytes))
  }
}

/// The leaves buffer handed to the test's threads, which write distinct
/// entries (read after the join).
struct SharedBuffer: @unchecked Sendable {
  let value: UnsafeMutableBufferPointer<TrieReference>
  init(_ value: UnsafeMutableBufferPointer<TrieReference>) { self.value = value }
}

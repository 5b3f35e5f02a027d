import EVMPrimitives
import Testing

@Suite struct FlatDictionaryTests {
  /// A small deterministic generator (SplitMix64).
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  /// Random inserts, updates, in-place edits and removals agree with `Dictionary`.
  @Test(arguments: [1, 2, 3, 4])
  func agreesWithDictionary(seed: UInt64) {
    var rng = Generator(state: seed)
    var flat = FlatDictionary<UInt256, [UInt64]>()
    var reference: [UInt256: [UInt64]] = [:]
    // A small key space so that updates and removals hit existing keys.
    let keySpace = Int(seed) * 200
    for step in 0..<20_000 {
      let key = UInt256(UInt64(Int.random(in: 0..<keySpace, using: &rng)))
      switch Int.random(in: 0..<6, using: &rng) {
      case 0, 1:
        flat[key] = [UInt64(step)]
        reference[key] = [UInt64(step)]
      case 2:
        flat[key]?.append(UInt64(step))
        reference[key]?.append(UInt64(step))
      case 3:
        flat[key, default: []].append(7)
        reference[key, default: []].append(7)
      case 4:
        #expect(flat.removeValue(forKey: key) == reference.removeValue(forKey: key))
      default:
        flat[key] = nil
        reference[key] = nil
      }
      #expect(flat[key] == reference[key])
      #expect(flat.count == reference.count)
    }
    var seen = 0
    for (key, value) in flat {
      #expect(reference[key] == value)
      seen += 1
    }
    #expect(seen == reference.count)
    #expect(Set(flat.keys) == Set(reference.keys))
    // Every key of the key space answers as the reference does.
    for k in 0..<keySpace {
      #expect(flat[UInt256(UInt64(k))] == reference[UInt256(UInt64(k))])
    }
  }

  /// A hash computed outside the table (`flatHash`, the process's seed)
  /// finds what the table's own seed placed, through every access path;
  /// `[:]` and a zero capacity allocate nothing and still take inserts.
  @Test func precomputedHashesAgreeWithTheTablesSeed() {
    var map: FlatDictionary<Address, Int> = [:]
    #expect(map.isEmpty && map[Address.zero] == nil && !map.contains(Address.zero))
    var sized = FlatDictionary<UInt256, Int>(minimumCapacity: 0)
    sized[UInt256(7)] = 7
    #expect(sized[UInt256(7)] == 7)
    let addresses = (0..<500).map { Address(high: UInt64($0), middle: 3, low: UInt32($0 % 7)) }
    for (i, address) in addresses.enumerated() {
      map.modify(address, hash: address.flatHash, insertingIfAbsent: { 0 }) { $0 = i }
    }
    for (i, address) in addresses.enumerated() {
      #expect(map.withValue(forKey: address, hash: address.flatHash) { $0 } == i)
      #expect(map.withValuePointer(forKey: address) { $0.pointee } == i)
      #expect(map[address] == i)
    }
    for address in addresses.prefix(250) { map.removeValue(forKey: address) }
    for (i, address) in addresses.enumerated() {
      #expect(map.withValue(forKey: address, hash: address.flatHash) { $0 } == (i < 250 ? nil : i))
    }
  }

  @Test func copiesAreIndependent() {
    var a: FlatDictionary<Address, Int> = [Address.zero: 1]
    let b = a
    a[Address.zero] = 2
    a[Address(high: 1, middle: 2, low: 3)] = 3
    #expect(b[Address.zero] == 1)
    #expect(b.count == 1)
    #expect(a.count == 2)
    #expect(a != b)
    a.removeAll(keepingCapacity: true)
    #expect(a.isEmpty)
    #expect(a[Address.zero] == nil)
  }
}

/// Clearing in place keeps the table, frees the values, and leaves a
/// dictionary that behaves like a new one.
@Suite struct FlatDictionaryClearingTests {
  final class Token {
    static let alive = Locked(0)
    init() { Self.alive.withLock { $0 += 1 } }
    deinit { Self.alive.withLock { $0 -= 1 } }
  }

  @Test func removeAllKeepingCapacityReusesTheTable() {
    var map = FlatDictionary<UInt256, Token>()
    for round in 0..<3 {
      for i in 0..<100 { map[UInt256(UInt64(i + round * 1000))] = Token() }
      #expect(map.count == 100)
      map.removeAll(keepingCapacity: true)
      #expect(map.isEmpty)
      #expect(map[UInt256(UInt64(5 + round * 1000))] == nil)
      #expect(Token.alive.withLock { $0 } == 0, "values are freed")
    }
    // A shared table is not cleared under its other owner.
    for i in 0..<10 { map[UInt256(UInt64(i))] = Token() }
    let copy = map
    map.removeAll(keepingCapacity: true)
    #expect(map.isEmpty && copy.count == 10)
  }
}

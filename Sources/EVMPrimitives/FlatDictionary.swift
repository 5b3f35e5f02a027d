/// A key with a cheap, well-mixed 64-bit hash, for `FlatDictionary`.
///
/// Swift's `Dictionary` hashes every key with seeded SipHash through
/// `Hasher`, which costs more than the whole lookup for the small fixed-size
/// keys of the state (addresses, slots, locations). A `FlatHashable` key
/// mixes its machine words with a few multiplications instead; the per-process
/// random seed keeps crafted keys from forcing long probe sequences.
public protocol FlatHashable: Equatable {
  /// A 64-bit hash whose high bits are well mixed (the table uses them),
  /// with `seed` mixed in first.
  func flatHash(seed: UInt64) -> UInt64
}

extension FlatHashable {
  /// The hash with the process's seed, for callers that hash a key once
  /// for several tables (`withValue(forKey:hash:)`). Tables themselves
  /// use the copy of the seed they hold: reading the global costs a call
  /// to its one-time initializer on every access.
  @inlinable @inline(__always)
  public var flatHash: UInt64 { flatHash(seed: FlatHash.seed) }
}

/// The hash mixing used by `FlatHashable` keys.
public enum FlatHash {
  /// Chosen once per process.
  public static let seed: UInt64 = UInt64.random(in: .min ... .max) | 1

  /// One round of multiply-fold mixing (the 128-bit product's halves xored).
  @inlinable @inline(__always)
  public static func mix(_ x: UInt64) -> UInt64 {
    let product = x.multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
    return product.high ^ product.low
  }

  /// Mixes `word` into the running hash `h`.
  @inlinable @inline(__always)
  public static func combine(_ h: UInt64, _ word: UInt64) -> UInt64 {
    mix(h ^ word) &* 0xBF58_476D_1CE4_E5B9
  }
}

extension Address: FlatHashable {
  @inlinable @inline(__always)
  public func flatHash(seed: UInt64) -> UInt64 {
    FlatHash.combine(FlatHash.combine(high ^ seed, middle), UInt64(low))
  }
}

extension UInt256: FlatHashable {
  @inlinable @inline(__always)
  public func flatHash(seed: UInt64) -> UInt64 {
    FlatHash.combine(FlatHash.combine(FlatHash.combine(w0 ^ seed, w1), w2), w3)
  }
}

extension Bytes32: FlatHashable {
  @inlinable @inline(__always)
  public func flatHash(seed: UInt64) -> UInt64 {
    // Code hashes and hashed keys are already uniform: one round suffices.
    FlatHash.combine(b0 ^ seed, b1 ^ b2 ^ b3)
  }
}

/// The buckets of a `FlatDictionary`: one control byte per bucket (zero when
/// empty, else a 7-bit tag of the hash with the top bit set), and keys and
/// values initialized only where the control byte is set.
@usableFromInline
final class FlatStorage<Key: FlatHashable, Value> {
  @usableFromInline let control: UnsafeMutablePointer<UInt8>
  @usableFromInline let keys: UnsafeMutablePointer<Key>
  @usableFromInline let values: UnsafeMutablePointer<Value>
  @usableFromInline let bucketCount: Int
  @usableFromInline var count: Int
  /// `FlatHash.seed`, read once per table.
  @usableFromInline let seed: UInt64

  @inlinable
  init(bucketCount: Int) {
    self.bucketCount = bucketCount
    seed = FlatHash.seed
    // One block: values, keys, control bytes (largest alignment first).
    let keysOffset = Self.align(
      bucketCount * MemoryLayout<Value>.stride, MemoryLayout<Key>.alignment)
    let controlOffset = keysOffset + bucketCount * MemoryLayout<Key>.stride
    let block = UnsafeMutableRawPointer.allocate(
      byteCount: controlOffset + bucketCount,
      alignment: Swift.max(MemoryLayout<Value>.alignment, MemoryLayout<Key>.alignment, 8))
    values = block.bindMemory(to: Value.self, capacity: bucketCount)
    keys = (block + keysOffset).bindMemory(to: Key.self, capacity: bucketCount)
    control = (block + controlOffset).bindMemory(to: UInt8.self, capacity: bucketCount)
    control.initialize(repeating: 0, count: bucketCount)
    count = 0
  }

  @inlinable @inline(__always)
  static func align(_ offset: Int, _ alignment: Int) -> Int {
    (offset + alignment - 1) & ~(alignment - 1)
  }

  /// A copy with the same buckets.
  @inlinable
  func copy() -> FlatStorage {
    let other = FlatStorage(bucketCount: bucketCount)
    other.control.update(from: control, count: bucketCount)
    if _isPOD(Key.self) && _isPOD(Value.self) {
      // Plain data: copy the buffers whole (empty buckets hold garbage bits).
      UnsafeMutableRawPointer(other.keys).copyMemory(
        from: keys, byteCount: bucketCount * MemoryLayout<Key>.stride)
      UnsafeMutableRawPointer(other.values).copyMemory(
        from: values, byteCount: bucketCount * MemoryLayout<Value>.stride)
    } else {
      for i in 0..<bucketCount where control[i] != 0 {
        (other.keys + i).initialize(to: keys[i])
        (other.values + i).initialize(to: values[i])
      }
    }
    other.count = count
    return other
  }

  deinit {
    if count > 0 && !(_isPOD(Key.self) && _isPOD(Value.self)) {
      for i in 0..<bucketCount where control[i] != 0 {
        (keys + i).deinitialize(count: 1)
        (values + i).deinitialize(count: 1)
      }
    }
    UnsafeMutableRawPointer(values).deallocate()
  }
}

/// A hash map with open addressing (linear probing, backward-shift deletion)
/// in flat buffers (`FlatStorage`).
///
/// A value type with copy-on-write storage, like `Dictionary`, and the
/// subset of its API the executor uses. Iteration order is unspecified.
@frozen
public struct FlatDictionary<Key: FlatHashable, Value> {
  @usableFromInline var storage: FlatStorage<Key, Value>?
  /// `64 - log2(bucket count)`: the bucket of a hash is its top bits.
  @usableFromInline var shift: UInt64

  /// An empty dictionary (allocates on first insertion).
  @inlinable
  public init() {
    storage = nil
    shift = 64
  }

  /// An empty dictionary with room for `minimumCapacity` entries.
  @inlinable
  public init(minimumCapacity: Int) {
    self.init()
    // `[:]` allocates nothing (an account without storage is common).
    if minimumCapacity > 0 { reserveCapacity(minimumCapacity) }
  }

  @inlinable public var count: Int { storage?.count ?? 0 }
  @inlinable public var isEmpty: Bool { count == 0 }

  @inlinable @inline(__always)
  static func tag(_ hash: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: hash) | 0x80 }

  @inlinable @inline(__always)
  func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> shift) }

  /// The bucket holding `key`, or `nil`; hashed with the table's seed.
  @inlinable @inline(__always)
  func find(_ key: Key) -> Int? {
    guard let storage else { return nil }
    return find(key, hash: key.flatHash(seed: storage.seed))
  }

  /// The bucket holding `key`, or `nil`. Inlined, so that a lookup in a
  /// dictionary read in place retains nothing (a call would need the
  /// storage retained across it).
  @inlinable @inline(__always)
  func find(_ key: Key, hash: UInt64) -> Int? {
    guard let storage else { return nil }
    let tag = Self.tag(hash)
    let mask = storage.bucketCount &- 1
    var i = home(hash)
    while true {
      let c = storage.control[i]
      if c == 0 { return nil }
      if c == tag, storage.keys[i] == key { return i }
      i = (i &+ 1) & mask
    }
  }

  /// The bucket holding `key`, or the empty bucket where it would go
  /// (storage must exist).
  @inlinable
  func slot(_ key: Key, hash: UInt64) -> (index: Int, found: Bool) {
    let storage = self.storage.unsafelyUnwrapped
    let tag = Self.tag(hash)
    let mask = storage.bucketCount &- 1
    var i = home(hash)
    while true {
      let c = storage.control[i]
      if c == 0 { return (i, false) }
      if c == tag, storage.keys[i] == key { return (i, true) }
      i = (i &+ 1) & mask
    }
  }

  /// Makes the storage unique (copy on write) and present.
  @inlinable @inline(__always)
  mutating func makeUnique() {
    if storage == nil {
      resize(to: 8)
    } else if !isKnownUniquelyReferenced(&storage) {
      storage = storage.unsafelyUnwrapped.copy()
    }
  }

  /// Makes room for `minimumCapacity` entries at a load factor of at most 3/4.
  @inlinable
  public mutating func reserveCapacity(_ minimumCapacity: Int) {
    var buckets = 8
    while buckets * 3 < minimumCapacity * 4 { buckets *= 2 }
    if buckets > (storage?.bucketCount ?? 0) { resize(to: buckets) }
  }

  /// Moves every entry into `buckets` new buckets (copies when shared).
  @inlinable
  mutating func resize(to buckets: Int) {
    let unique = isKnownUniquelyReferenced(&storage)
    let old = storage
    let new = FlatStorage<Key, Value>(bucketCount: buckets)
    shift = UInt64(64 - buckets.trailingZeroBitCount)
    storage = new
    guard let old else { return }
    let mask = buckets &- 1
    for i in 0..<old.bucketCount where old.control[i] != 0 {
      let hash = old.keys[i].flatHash(seed: new.seed)
      var j = home(hash)
      while new.control[j] != 0 { j = (j &+ 1) & mask }
      new.control[j] = old.control[i]
      if unique {
        (new.keys + j).moveInitialize(from: old.keys + i, count: 1)
        (new.values + j).moveInitialize(from: old.values + i, count: 1)
      } else {
        (new.keys + j).initialize(to: old.keys[i])
        (new.values + j).initialize(to: old.values[i])
      }
    }
    new.count = old.count
    if unique { old.count = 0 }  // moved out: nothing left to deinitialize
  }

  /// Inserts a new entry at `index` (an empty bucket found by `slot` on
  /// unique storage). Returns the index it ended at (a resize moves it).
  @inlinable
  mutating func insertNew(_ key: Key, _ value: Value, hash: UInt64, at index: Int) -> Int {
    var index = index
    if (count &+ 1) &* 4 > storage.unsafelyUnwrapped.bucketCount &* 3 {
      resize(to: storage.unsafelyUnwrapped.bucketCount &* 2)
      index = slot(key, hash: hash).index
    }
    let storage = self.storage.unsafelyUnwrapped
    storage.control[index] = Self.tag(hash)
    (storage.keys + index).initialize(to: key)
    (storage.values + index).initialize(to: value)
    storage.count &+= 1
    return index
  }

  /// Empties bucket `index` of unique storage (its key and value already
  /// deinitialized), shifting later entries of its probe run back.
  @inlinable
  mutating func removeVacated(at index: Int) {
    let storage = self.storage.unsafelyUnwrapped
    let mask = storage.bucketCount &- 1
    var hole = index
    var next = (index &+ 1) & mask
    while storage.control[next] != 0 {
      let home = self.home(storage.keys[next].flatHash(seed: storage.seed))
      // The entry at `next` may move to `hole` when its home is not in (hole, next].
      if (next &- home) & mask >= (next &- hole) & mask {
        storage.control[hole] = storage.control[next]
        (storage.keys + hole).moveInitialize(from: storage.keys + next, count: 1)
        (storage.values + hole).moveInitialize(from: storage.values + next, count: 1)
        hole = next
      }
      next = (next &+ 1) & mask
    }
    storage.control[hole] = 0
    storage.count &-= 1
  }

  /// Removes the entry at `index` of unique storage; returns its value.
  @inlinable
  mutating func remove(at index: Int) -> Value {
    let storage = self.storage.unsafelyUnwrapped
    (storage.keys + index).deinitialize(count: 1)
    let value = (storage.values + index).move()
    removeVacated(at: index)
    return value
  }

  /// The value for `key`; assigning `nil` removes it.
  @inlinable
  public subscript(key: Key) -> Value? {
    @inline(__always) get {
      guard let index = find(key) else { return nil }
      return storage.unsafelyUnwrapped.values[index]
    }
    set {
      if let newValue {
        makeUnique()
        let hash = key.flatHash(seed: storage.unsafelyUnwrapped.seed)
        let (index, found) = slot(key, hash: hash)
        if found {
          storage.unsafelyUnwrapped.values[index] = newValue
        } else {
          _ = insertNew(key, newValue, hash: hash, at: index)
        }
      } else if find(key) != nil {
        makeUnique()
        _ = remove(at: slot(key, hash: key.flatHash(seed: storage.unsafelyUnwrapped.seed)).index)
      }
    }
    _modify {
      makeUnique()
      let hash = key.flatHash(seed: storage.unsafelyUnwrapped.seed)
      let (index, found) = slot(key, hash: hash)
      if found {
        // Move the value out, so that it is uniquely referenced while
        // mutated; the bucket stays reserved (its key stays in place).
        var value: Value? = (storage.unsafelyUnwrapped.values + index).move()
        defer {
          if let value {
            (storage.unsafelyUnwrapped.values + index).initialize(to: value)
          } else {
            (storage.unsafelyUnwrapped.keys + index).deinitialize(count: 1)
            removeVacated(at: index)
          }
        }
        yield &value
      } else {
        var value: Value? = nil
        defer {
          if let value { _ = insertNew(key, value, hash: hash, at: index) }
        }
        yield &value
      }
    }
  }

  /// `body` applied to the value for `key` in place (no copy of the value,
  /// so no reference counting of what it holds); `nil` when absent.
  @inlinable @inline(__always)
  public func withValue<R>(forKey key: Key, _ body: (Value) -> R) -> R? {
    guard let index = find(key) else { return nil }
    return body(storage.unsafelyUnwrapped.values[index])
  }

  /// `withValue(forKey:_:)` with the key's `flatHash` computed by the caller.
  @inlinable @inline(__always)
  public func withValue<R>(forKey key: Key, hash: UInt64, _ body: (Value) -> R) -> R? {
    guard let index = find(key, hash: hash) else { return nil }
    return body(storage.unsafelyUnwrapped.values[index])
  }

  /// `body` given the address of the value for `key` (valid only during
  /// the call); `nil` when absent. Reading a field through the pointer
  /// copies that field alone, so a value holding references is read
  /// without retaining them.
  @inlinable @inline(__always)
  public func withValuePointer<R>(forKey key: Key, _ body: (UnsafePointer<Value>) -> R) -> R? {
    guard let index = find(key) else { return nil }
    return body(UnsafePointer(storage.unsafelyUnwrapped.values + index))
  }

  /// Whether `key` has an entry.
  @inlinable @inline(__always)
  public func contains(_ key: Key) -> Bool { find(key) != nil }

  /// `body` applied to the value for `key` in place, after inserting
  /// `insert()` when the key is absent: one probe of the table.
  @inlinable
  public mutating func modify<R>(
    _ key: Key, insertingIfAbsent insert: () -> Value, _ body: (inout Value) -> R
  ) -> R {
    makeUnique()
    let hash = key.flatHash(seed: storage.unsafelyUnwrapped.seed)
    var (index, found) = slot(key, hash: hash)
    if !found { index = insertNew(key, insert(), hash: hash, at: index) }
    return body(&storage.unsafelyUnwrapped.values[index])
  }

  /// `modify(_:insertingIfAbsent:_:)` with the key's `flatHash` computed by
  /// the caller.
  @inlinable
  public mutating func modify<R>(
    _ key: Key, hash: UInt64, insertingIfAbsent insert: () -> Value, _ body: (inout Value) -> R
  ) -> R {
    makeUnique()
    var (index, found) = slot(key, hash: hash)
    if !found { index = insertNew(key, insert(), hash: hash, at: index) }
    return body(&storage.unsafelyUnwrapped.values[index])
  }

  /// The value for `key`, inserting `defaultValue()` first when absent;
  /// mutated in place.
  @inlinable
  public subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
    get { self[key] ?? defaultValue() }
    _modify {
      makeUnique()
      let hash = key.flatHash(seed: storage.unsafelyUnwrapped.seed)
      var (index, found) = slot(key, hash: hash)
      if !found { index = insertNew(key, defaultValue(), hash: hash, at: index) }
      yield &storage.unsafelyUnwrapped.values[index]
    }
  }

  /// Removes `key`; returns its value.
  @inlinable
  @discardableResult
  public mutating func removeValue(forKey key: Key) -> Value? {
    guard find(key) != nil else { return nil }
    makeUnique()
    return remove(at: slot(key, hash: key.flatHash(seed: storage.unsafelyUnwrapped.seed)).index)
  }

  /// Removes every entry; keeps the buckets when asked (in place when the
  /// storage is not shared: no allocation).
  @inlinable
  public mutating func removeAll(keepingCapacity: Bool = false) {
    guard let buckets = storage?.bucketCount, keepingCapacity else {
      self = FlatDictionary()
      return
    }
    guard isKnownUniquelyReferenced(&storage) else {
      storage = FlatStorage(bucketCount: buckets)
      return
    }
    let storage = self.storage.unsafelyUnwrapped
    if storage.count == 0 { return }
    if !(_isPOD(Key.self) && _isPOD(Value.self)) {
      for i in 0..<buckets where storage.control[i] != 0 {
        (storage.keys + i).deinitialize(count: 1)
        (storage.values + i).deinitialize(count: 1)
      }
    }
    storage.control.update(repeating: 0, count: buckets)
    storage.count = 0
  }

  /// The keys, in iteration order.
  @inlinable
  public var keys: [Key] { map(\.key) }

  /// The values, in iteration order.
  @inlinable
  public var values: [Value] { map(\.value) }

  /// Calls `body` on every value in place.
  @inlinable
  public mutating func updateValues(_ body: (Key, inout Value) -> Void) {
    guard storage != nil else { return }
    makeUnique()
    let storage = self.storage.unsafelyUnwrapped
    for i in 0..<storage.bucketCount where storage.control[i] != 0 {
      body(storage.keys[i], &storage.values[i])
    }
  }
}

extension FlatDictionary: Sequence {
  public typealias Element = (key: Key, value: Value)

  @frozen
  public struct Iterator: IteratorProtocol {
    @usableFromInline let storage: FlatStorage<Key, Value>?
    @usableFromInline var index: Int

    @inlinable
    init(storage: FlatStorage<Key, Value>?) {
      self.storage = storage
      index = 0
    }

    @inlinable
    public mutating func next() -> Element? {
      guard let storage else { return nil }
      while index < storage.bucketCount {
        let i = index
        index &+= 1
        if storage.control[i] != 0 { return (storage.keys[i], storage.values[i]) }
      }
      return nil
    }
  }

  @inlinable
  public func makeIterator() -> Iterator { Iterator(storage: storage) }

  @inlinable
  public var underestimatedCount: Int { count }
}

extension FlatDictionary: ExpressibleByDictionaryLiteral {
  @inlinable
  public init(dictionaryLiteral elements: (Key, Value)...) {
    self.init(minimumCapacity: elements.count)
    for (key, value) in elements { self[key] = value }
  }
}

extension FlatDictionary where Key: Hashable {
  /// The entries of a standard dictionary.
  @inlinable
  public init(_ dictionary: [Key: Value]) {
    self.init(minimumCapacity: dictionary.count)
    for (key, value) in dictionary { self[key] = value }
  }
}

extension FlatDictionary: Equatable where Value: Equatable {
  /// Same keys with equal values.
  @inlinable
  public static func == (a: FlatDictionary, b: FlatDictionary) -> Bool {
    guard a.count == b.count else { return false }
    for (key, value) in a {
      guard let other = b[key], other == value else { return false }
    }
    return true
  }
}

extension FlatDictionary: @unchecked Sendable where Key: Sendable, Value: Sendable {}

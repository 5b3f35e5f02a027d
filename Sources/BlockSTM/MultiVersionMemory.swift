import EVM
import EVMPrimitives
import Synchronization

/// Block-STM's multi-version memory: for every location, the values written
/// by each transaction index (its latest incarnation), or an ESTIMATE marker
/// where that incarnation was aborted.
///
/// Invariants:
/// - Writers: the worker that executed incarnation `k` of transaction `i`
///   records its write set (`record`) and, after a failed validation of that
///   incarnation, the validating worker marks them ESTIMATE (`markEstimates`).
///   Only one worker at a time owns a given (transaction, incarnation), by the
///   scheduler's status transitions.
/// - Readers: any worker executing or validating a transaction `j` reads the
///   highest entry below `j` (`versions(below:)`).
/// - Ordering: every location's version list lives in one of `shardCount`
///   shards (chosen by the low bits of the location's hash), each a
///   `FlatDictionary` behind a pthread lock (`Locked`); a record or a read
///   holds the shard's lock, so a reader sees either the whole old or the
///   whole new entry of a location.
///   The scheduler's atomics order records before the validations that read them.
public final class MultiVersionMemory: Sendable {
  /// One written version.
  public struct Entry: Sendable {
    public var transaction: Int
    public var incarnation: Int
    /// `nil`: ESTIMATE (the writer was aborted and will likely write again).
    public var value: WrittenValue?
  }

  static let shardCount = 64
  private let shards: [Locked<FlatDictionary<MemoryLocation, [Entry]>>]
  /// The locations each transaction's latest incarnation wrote.
  private let lastWrites: LockedArray<[MemoryLocation]>

  public init(transactionCount: Int) {
    var shards: [Locked<FlatDictionary<MemoryLocation, [Entry]>>] = []
    shards.reserveCapacity(Self.shardCount)
    for _ in 0..<Self.shardCount { shards.append(Locked([:])) }
    self.shards = shards
    lastWrites = LockedArray(count: transactionCount) { _ in [] }
  }

  @inline(__always)
  private func shard(_ location: MemoryLocation) -> Int {
    Int(truncatingIfNeeded: location.flatHash & UInt64(Self.shardCount - 1))
  }

  /// Calls `body` with the entries of `location` written by transactions
  /// below `transaction`, highest first (stops when `body` returns false).
  public func forEachVersion(
    of location: MemoryLocation, below transaction: Int, _ body: (Entry) -> Bool
  ) {
    shards[shard(location)].withLock { map in
      guard let entries = map[location] else { return }
      // Binary search for the first entry at or above `transaction`.
      var low = 0
      var high = entries.count
      while low < high {
        let mid = (low + high) / 2
        if entries[mid].transaction < transaction { low = mid + 1 } else { high = mid }
      }
      var i = low - 1
      while i >= 0 {
        if !body(entries[i]) { return }
        i -= 1
      }
    }
  }

  /// Inserts or replaces `entry` in a list sorted by transaction, in place.
  @inline(__always)
  private static func upsert(_ entries: inout [Entry], _ entry: Entry) {
    var index = entries.count
    while index > 0 && entries[index - 1].transaction > entry.transaction { index -= 1 }
    if index > 0 && entries[index - 1].transaction == entry.transaction {
      entries[index - 1] = entry
    } else {
      entries.insert(entry, at: index)
    }
  }

  /// Records the write set of (`transaction`, `incarnation`), replacing the
  /// previous incarnation's. Returns true when it wrote a location the
  /// previous incarnation did not (later transactions must be revalidated).
  public func record(
    transaction: Int, incarnation: Int, writes: [(MemoryLocation, WrittenValue)]
  ) -> Bool {
    let previous = lastWrites.withLock(transaction) { $0 }
    let newLocations = writes.map(\.0)
    let wasWritten = LocationSet(previous)
    var wroteNewLocation = false
    for (location, value) in writes {
      if !wroteNewLocation && !wasWritten.contains(location) { wroteNewLocation = true }
      let entry = Entry(transaction: transaction, incarnation: incarnation, value: value)
      shards[shard(location)].withLock { map in
        Self.upsert(&map[location, default: []], entry)
      }
    }
    if !previous.isEmpty {
      let isWritten = LocationSet(newLocations)
      for location in previous where !isWritten.contains(location) {
        shards[shard(location)].withLock { map in
          map[location]?.removeAll { $0.transaction == transaction }
        }
      }
    }
    lastWrites.withLock(transaction) { $0 = newLocations }
    return wroteNewLocation
  }

  /// Membership in a short list of locations: a linear scan for the usual
  /// handful, a hash set for long lists.
  struct LocationSet {
    let list: [MemoryLocation]
    let set: FlatDictionary<MemoryLocation, Bool>?

    init(_ list: [MemoryLocation]) {
      self.list = list
      if list.count > 16 {
        var set = FlatDictionary<MemoryLocation, Bool>(minimumCapacity: list.count)
        for location in list { set[location] = true }
        self.set = set
      } else {
        set = nil
      }
    }

    func contains(_ location: MemoryLocation) -> Bool {
      if let set { return set[location] != nil }
      return list.contains(location)
    }
  }

  /// Before execution starts: records an ESTIMATE of `transaction` at a
  /// location it is known to write (its sender), so readers above wait.
  public func seedEstimate(transaction: Int, location: MemoryLocation) {
    shards[shard(location)].withLock { map in
      Self.upsert(
        &map[location, default: []], Entry(transaction: transaction, incarnation: 0, value: nil))
    }
    lastWrites.withLock(transaction) { $0.append(location) }
  }

  /// Marks every location written by `transaction` as ESTIMATE.
  public func markEstimates(transaction: Int) {
    let locations = lastWrites.withLock(transaction) { $0 }
    for location in locations {
      shards[shard(location)].withLock { map in
        guard let i = map[location]?.lastIndex(where: { $0.transaction == transaction }) else {
          return
        }
        map[location]![i].value = nil
      }
    }
  }
}

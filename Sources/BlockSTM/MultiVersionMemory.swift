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
///   incarnation, the worker that aborted it marks them ESTIMATE
///   (`markEstimates`). Only one worker at a time owns a given transaction
///   between those steps, by the scheduler's status transitions (taken under
///   the scheduler's per-transaction locks, which order one owner's accesses
///   before the next one's).
/// - Readers: any worker executing or validating a transaction `j` reads the
///   highest entry below `j` (`forEachVersion(of:below:)`).
/// - Ordering: every location's versions live in one of `shardCount` shards
///   (chosen by the location's hash), each a `FlatDictionary` behind a spin
///   lock; a record or a read holds the shard's lock, so a reader sees
///   either the whole old or the whole new entry of a location.
/// - Two kinds of write that every transaction of a block would otherwise
///   make to the same few locations are kept per transaction instead
///   (`sideWrites[i]`, each under its own lock, written by the owner of
///   transaction `i` when it records): the block producer's fee credit (a
///   lazy delta to the coinbase), summed by the rare reader of the coinbase,
///   and the addresses whose storage it wrote, scanned by the rare EIP-7610
///   "has storage" check. Both are replaced with each incarnation's writes.
///   Like lazy deltas they are not marked ESTIMATE when the incarnation
///   aborts (the re-execution almost surely writes them again): a reader
///   that used a stale one is caught when it commits, since the commit
///   revalidates against the final prefix whenever a lower transaction
///   recorded after the reader's last validation began.
/// - `lastWrites[i]` (transaction `i`'s latest write set, for its locations)
///   is touched only by the owner of transaction `i` (see above), by
///   `seedEstimate` before the workers start, and by the committer of `i`
///   (`takeWrites`), which owns it from then on.
public final class MultiVersionMemory: @unchecked Sendable {
  /// One written version.
  public struct Entry: Sendable {
    public var transaction: Int
    public var incarnation: Int
    /// `nil`: ESTIMATE (the writer was aborted and will likely write again).
    public var value: WrittenValue?
  }

  /// The versions of one location, sorted by transaction: the lowest inline
  /// (most locations have one writer, and then no array is allocated), the
  /// others in `rest`.
  struct Versions {
    var first: Entry
    var rest: [Entry] = []
    /// How many entries are deltas that lower the balance (only those can
    /// make an account empty; see `liveness`).
    var debits: Int

    init(_ entry: Entry) {
      first = entry
      debits = Self.isDebit(entry) ? 1 : 0
    }

    /// A delta whose balance part is a subtraction (two's complement).
    @inline(__always)
    static func isDebit(_ entry: Entry) -> Bool {
      if case .delta(let delta)? = entry.value { return delta.balance.w3 >> 63 != 0 }
      return false
    }

    /// Inserts `entry`, or replaces the entry of its transaction.
    mutating func upsert(_ entry: Entry) {
      if Self.isDebit(entry) { debits += 1 }
      if entry.transaction == first.transaction {
        if Self.isDebit(first) { debits -= 1 }
        first = entry
      } else if entry.transaction < first.transaction {
        rest.insert(first, at: 0)
        first = entry
      } else {
        var index = rest.count
        while index > 0 && rest[index - 1].transaction > entry.transaction { index -= 1 }
        if index > 0 && rest[index - 1].transaction == entry.transaction {
          if Self.isDebit(rest[index - 1]) { debits -= 1 }
          rest[index - 1] = entry
        } else {
          rest.insert(entry, at: index)
        }
      }
    }

    /// Removes the entry of `transaction`; false when none is left.
    mutating func remove(_ transaction: Int) -> Bool {
      if first.transaction == transaction {
        if Self.isDebit(first) { debits -= 1 }
        if rest.isEmpty { return false }
        first = rest.removeFirst()
      } else if let i = rest.firstIndex(where: { $0.transaction == transaction }) {
        if Self.isDebit(rest[i]) { debits -= 1 }
        rest.remove(at: i)
      }
      return true
    }

    /// The liveness of an account location below `transaction`, found
    /// without summing every delta when no delta lowers the balance: the
    /// highest credit (or nonce increment) proves it alive — the account
    /// only gains from there on — and a full write or the pre-state decides
    /// otherwise. With a debit present the caller must sum (`needsSum`).
    func liveness(below transaction: Int) -> Liveness {
      guard debits == 0 else { return .needsSum }
      var result = Liveness.preState
      forEach(below: transaction) { entry in
        switch entry.value {
        case nil:
          result = .blocked(entry.transaction)
          return false
        case .delta(let delta)?:
          if delta.nonce != 0 || !delta.balance.isZero {
            result = .alive
            return false
          }
          return true
        case .account(let info)?:
          result = .written(info, by: entry.transaction)
          return false
        default:
          return true
        }
      }
      return result
    }

    /// Marks the entry of `transaction` as an ESTIMATE, unless it is a lazy
    /// delta: the re-execution almost surely writes a delta again, and a
    /// reader that sums the old one is caught by validation if it differs
    /// (every commit revalidates against the final prefix), so readers need
    /// not wait — a block's every transaction credits the coinbase this way.
    mutating func markEstimate(_ transaction: Int) {
      if first.transaction == transaction {
        if case .delta? = first.value { return }
        first.value = nil
      } else if let i = rest.lastIndex(where: { $0.transaction == transaction }) {
        if case .delta? = rest[i].value { return }
        rest[i].value = nil
      }
    }

    /// Calls `body` on the entries below `transaction`, highest first, until
    /// it returns false.
    @inline(__always)
    func forEach(below transaction: Int, _ body: (Entry) -> Bool) {
      if !rest.isEmpty {
        // Binary search for the first entry at or above `transaction`.
        var low = 0
        var high = rest.count
        while low < high {
          let mid = (low + high) / 2
          if rest[mid].transaction < transaction { low = mid + 1 } else { high = mid }
        }
        var i = low - 1
        while i >= 0 {
          if !body(rest[i]) { return }
          i -= 1
        }
      }
      if first.transaction < transaction { _ = body(first) }
    }
  }

  /// What `Versions.liveness` found.
  enum Liveness {
    /// A credit or nonce increment below: alive whatever came before.
    case alive
    /// The highest write below is this full value, by that transaction
    /// (no credit recorded above it).
    case written(AccountInfo?, by: Int)
    /// Nothing decisive below: as in the pre-state.
    case preState
    /// An ESTIMATE of this transaction stands in the way.
    case blocked(Int)
    /// A debit is recorded: sum the deltas.
    case needsSum
  }

  /// The liveness of `address`'s account below `transaction`.
  func liveness(of address: Address, below transaction: Int) -> Liveness {
    let location = MemoryLocation.basic(address)
    let hash = location.flatHash
    return shards.withLock(shard(hash)) { map in
      map.withValue(forKey: location, hash: hash) { $0.liveness(below: transaction) } ?? .preState
    }
  }

  /// Whether any transaction has written a location of a rare kind (code,
  /// a storage wipe, any storage). While one is false, reads of that kind
  /// skip their lookup. Set (releasing) before the entry is inserted; a
  /// reader that still sees false reads as if it came a moment earlier, and
  /// validation re-reads after the writer's `writeEpoch` bump, which orders
  /// the flag before it.
  let codeWritten = Atomic<Bool>(false)
  let storageWiped = Atomic<Bool>(false)

  @inline(__always)
  private func noteKind(_ location: MemoryLocation) {
    switch location {
    case .code:
      if !codeWritten.load(ordering: .relaxed) { codeWritten.store(true, ordering: .releasing) }
    case .storageEpoch:
      if !storageWiped.load(ordering: .relaxed) { storageWiped.store(true, ordering: .releasing) }
    default: break
    }
  }

  static let shardCount = 64
  private let shards: SpinLockedArray<FlatDictionary<MemoryLocation, Versions>>
  /// The locations each transaction's latest incarnation wrote.
  private let lastWrites: UnsafeMutableBufferPointer<[Write]>

  /// What one transaction wrote outside the version lists.
  struct SideWrites {
    /// Its lazy credit to the coinbase (zero: none).
    var fee = UInt256.zero
    /// The first account whose storage it wrote (most write one), and
    /// any others.
    var storageAccount: Address? = nil
    var moreStorageAccounts: [Address] = []

    mutating func noteStorage(_ address: Address) {
      if storageAccount == nil {
        storageAccount = address
      } else if storageAccount != address && !moreStorageAccounts.contains(address) {
        moreStorageAccounts.append(address)
      }
    }

    func wroteStorage(_ address: Address) -> Bool {
      storageAccount == address || moreStorageAccounts.contains(address)
    }
  }

  /// The block producer, whose lazy fee credits stay out of the version lists.
  let coinbase: Address?
  private let sideWrites: SpinLockedArray<SideWrites>
  /// Every code recorded, kept alive while the memory is (writes refer to
  /// code without counting; see `CodeReference`).
  private let codes = Locked<[Bytecode]>([])

  public convenience init(transactionCount: Int) {
    self.init(transactionCount: transactionCount, coinbase: nil)
  }

  public init(transactionCount: Int, coinbase: Address?) {
    self.coinbase = coinbase
    sideWrites = SpinLockedArray(count: transactionCount) { _ in SideWrites() }
    let perShard = transactionCount * 4 / Self.shardCount
    shards = SpinLockedArray(count: Self.shardCount) { _ in
      FlatDictionary(minimumCapacity: perShard)
    }
    lastWrites = .allocate(capacity: transactionCount)
    lastWrites.initialize(repeating: [])
  }

  deinit {
    lastWrites.deinitialize().deallocate()
  }

  /// The shard of a location's hash (its low bits; the table inside the
  /// shard uses the high ones).
  @inline(__always)
  private func shard(_ hash: UInt64) -> Int {
    Int(truncatingIfNeeded: hash & UInt64(Self.shardCount - 1))
  }

  /// Calls `body` with the entries of `location` written by transactions
  /// below `transaction`, highest first (stops when `body` returns false).
  public func forEachVersion(
    of location: MemoryLocation, below transaction: Int, _ body: (Entry) -> Bool
  ) {
    let hash = location.flatHash
    shards.withLock(shard(hash)) { map in
      _ = map.withValue(forKey: location, hash: hash) { $0.forEach(below: transaction, body) }
    }
  }

  /// Records the write set of (`transaction`, `incarnation`), replacing the
  /// previous incarnation's. Returns true when it wrote a location the
  /// previous incarnation did not (later transactions must be revalidated).
  public func record(
    transaction: Int, incarnation: Int, writes: [Write]
  ) -> Bool {
    let previous = lastWrites[transaction]
    var wroteNewLocation = previous.isEmpty && !writes.isEmpty
    let wasWritten = previous.isEmpty ? nil : LocationSet(previous)
    var side = SideWrites()
    for write in writes {
      let location = write.location
      switch (location, write.value) {
      case (.basic(let address), .delta(let delta)) where address == coinbase && delta.nonce == 0:
        side.fee = side.fee &+ delta.balance
        continue
      case (.storageWritten(let address), _):
        side.noteStorage(address)
        continue
      case (_, .code(let reference)):
        codes.withLock { $0.append(reference.code) }
      default: break
      }
      if !wroteNewLocation && !wasWritten!.contains(location) { wroteNewLocation = true }
      let entry = Entry(transaction: transaction, incarnation: incarnation, value: write.value)
      noteKind(location)
      let hash = location.flatHash
      shards.withLock(shard(hash)) { map in
        map.modify(location, hash: hash, insertingIfAbsent: { Versions(entry) }) {
          $0.upsert(entry)
        }
      }
    }
    sideWrites.withLock(transaction) { $0 = side }
    if !previous.isEmpty {
      let isWritten = LocationSet(writes)
      for old in previous where !isWritten.contains(old.location) && !isSideWrite(old) {
        let hash = old.location.flatHash
        shards.withLock(shard(hash)) { map in
          if map[old.location]?.remove(transaction) == false { map[old.location] = nil }
        }
      }
    }
    lastWrites[transaction] = writes
    return wroteNewLocation
  }

  /// Hands back the write set of a committed transaction, for the caller to
  /// reuse its buffer (a committed transaction is never recorded, aborted
  /// or marked again; its versions stay in the lists).
  func takeWrites(transaction: Int) -> [Write] {
    var writes: [Write] = []
    swap(&writes, &lastWrites[transaction])
    return writes
  }

  /// Whether `record` keeps this write outside the version lists.
  @inline(__always)
  private func isSideWrite(_ write: Write) -> Bool {
    switch (write.location, write.value) {
    case (.basic(let address), .delta(let delta)): return address == coinbase && delta.nonce == 0
    case (.storageWritten, _): return true
    default: return false
    }
  }

  /// The sum of the coinbase fee credits of transactions `from..<to`.
  func fees(from: Int, to: Int) -> UInt256 {
    var total = UInt256.zero
    for transaction in max(from, 0)..<max(to, from) {
      total = total &+ sideWrites.withLock(transaction) { $0.fee }
    }
    return total
  }

  /// Whether a transaction of `from..<to` credited the coinbase.
  func anyFee(from: Int, to: Int) -> Bool {
    for transaction in max(from, 0)..<max(to, from)
    where sideWrites.withLock(transaction, { !$0.fee.isZero }) {
      return true
    }
    return false
  }

  /// Whether a transaction below `transaction` wrote `address`'s storage.
  func storageWritten(_ address: Address, below transaction: Int) -> Bool {
    for writer in 0..<transaction
    where sideWrites.withLock(writer, { $0.wroteStorage(address) }) {
      return true
    }
    return false
  }

  /// Membership in a short list of locations: a linear scan for the usual
  /// handful, a hash set for long lists.
  struct LocationSet {
    let list: [Write]
    let set: FlatDictionary<MemoryLocation, Bool>?

    init(_ list: [Write]) {
      self.list = list
      if list.count > 16 {
        var set = FlatDictionary<MemoryLocation, Bool>(minimumCapacity: list.count)
        for write in list { set[write.location] = true }
        self.set = set
      } else {
        set = nil
      }
    }

    func contains(_ location: MemoryLocation) -> Bool {
      if let set { return set[location] != nil }
      return list.contains { $0.location == location }
    }
  }

  /// Before execution starts (one thread): records an ESTIMATE of
  /// `transaction` at a location it is known to write (its sender), so
  /// readers above wait.
  public func seedEstimate(transaction: Int, location: MemoryLocation) {
    let entry = Entry(transaction: transaction, incarnation: 0, value: nil)
    noteKind(location)
    let hash = location.flatHash
    shards.withLock(shard(hash)) { map in
      map.modify(location, hash: hash, insertingIfAbsent: { Versions(entry) }) { $0.upsert(entry) }
    }
    lastWrites[transaction].append(Write(location, .marker))
  }

  /// Marks every location written by `transaction` as ESTIMATE.
  public func markEstimates(transaction: Int) {
    for write in lastWrites[transaction] where !isSideWrite(write) {
      let hash = write.location.flatHash
      shards.withLock(shard(hash)) { map in
        map[write.location]?.markEstimate(transaction)
      }
    }
  }
}

import EVM
import EVMPrimitives
import Execution
import Synchronization
import WorldState

/// The speculator's results, packed for the committer into one contiguous
/// block of memory per block of transactions.
///
/// A speculation kept as Swift values (its outcome's two hash tables, the
/// array of recorded answers, the objects holding them) is spread over
/// some twenty cache lines, all written on the speculator's core: the
/// committer, checking and applying it, waited on each of them in turn, and
/// a transfer cost it about as much as executing it. Packed, a transfer's
/// answers, diff and sender check take a few consecutive lines, and since
/// the speculator packs downward from the top of the arena as it goes down
/// the block, the committer, going up the block, reads the arena in
/// ascending order, which the hardware prefetches.
///
/// A record is a header, then the answers (`SpeculativeRead`), the changed
/// accounts (fields and storage writes) and the deltas, in 8-byte words.
/// Outcomes that deploy code, and those that do not fit in the arena,
/// stay unpacked (`SpeculativePipeline.Speculation`).
///
/// Invariants: only the speculator thread writes (`pack`, which moves
/// `top` down and writes below it, and `logs[i]` for the transaction it
/// packs); it does so before it stores the record's slot, under the slot's
/// lock, and the committer reads a record only after taking it from that
/// slot under the same lock, so each write happens before every read.
/// Records are never written again once stored. Released after the
/// pipeline's threads have joined; its buffer is kept for the next block
/// (`recycled`, under its mutex).
final class SpeculationArena: @unchecked Sendable {
  private let base: UnsafeMutableRawPointer
  private let capacity: Int
  /// Bytes below this offset are free (the speculator's only).
  private var top: Int
  /// The logs of each packed transaction (empty for the others), read by
  /// the committer into the transaction's receipt entry.
  let logs: UnsafeMutablePointer<[Log]>
  let count: Int

  /// Bytes packed so far (read after the speculator has finished).
  var usedBytes: Int { capacity - top }

  /// Bytes of arena per transaction of the block. A transfer takes about
  /// 450 bytes, an ERC-20 transfer 800, a mainnet transaction 700 on
  /// average but a heavy one several kilobytes (a block of them filled 768
  /// per transaction). Only the pages written are ever touched: the
  /// speculator packs from the top down.
  static let bytesPerTransaction = 2048
  /// The smallest arena (small blocks of heavy transactions).
  static let minimumBytes = 256 * 1024
  /// A freed arena's buffer and its size, reused by the next block.
  private static let recycled = Mutex<(address: UInt, capacity: Int)?>(nil)

  /// An arena for a block of `count` transactions, of `bytes` bytes (by
  /// default `bytesPerTransaction` each, at least `minimumBytes`; then a
  /// recycled buffer that is at least as large may serve).
  init(transactions count: Int, bytes: Int? = nil) {
    self.count = count
    let wanted = bytes ?? max(count * Self.bytesPerTransaction, Self.minimumBytes)
    let reused = Self.recycled.withLock { kept -> (address: UInt, capacity: Int)? in
      guard bytes == nil, let buffer = kept, buffer.capacity >= wanted else { return nil }
      kept = nil
      return buffer
    }
    if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused.address) {
      base = pointer
      capacity = reused.capacity
    } else {
      base = .allocate(byteCount: wanted, alignment: 64)
      capacity = wanted
    }
    top = capacity
    logs = .allocate(capacity: max(count, 1))
    logs.initialize(repeating: [], count: max(count, 1))
  }

  deinit {
    logs.deinitialize(count: max(count, 1))
    logs.deallocate()
    let mine = (address: UInt(bitPattern: base), capacity: capacity)
    let previous = Self.recycled.withLock { kept -> (address: UInt, capacity: Int)? in
      // Keep the larger buffer.
      if let old = kept, old.capacity >= mine.capacity { return mine }
      defer { kept = mine }
      return kept
    }
    if let previous { UnsafeMutableRawPointer(bitPattern: previous.address)?.deallocate() }
  }

  // MARK: Layout (byte offsets; every field 8-byte aligned)

  /// Counts and flags, gas, blob gas, the sender check, and where the
  /// changes start (past the answers).
  static let headerSize = 72
  static let addressSize = 24
  static let infoSize = MemoryLayout<AccountInfo>.size

  enum ReadKind: UInt8 {
    case account = 1
    case codeHash, storage, dead, hasStorage
  }

  static func size(of read: SpeculativeRead) -> Int {
    switch read {
    case .account(_, let info): 8 + addressSize + (info == nil ? 0 : infoSize)
    case .codeHash: 8 + addressSize + 32
    case .storage: 8 + addressSize + 64
    case .dead, .hasStorage: 8 + addressSize
    }
  }

  /// Packs transaction `index`'s answers and valid outcome into the
  /// arena; `nil` when it deploys code or does not fit.
  func pack(
    _ index: Int, reads: [SpeculativeRead], outcome: borrowing TransactionOutcome
  ) -> PackedSpeculation? {
    var answersSize = 0
    for read in reads { answersSize += Self.size(of: read) }
    var size = Self.headerSize + answersSize
    for (_, change) in outcome.changes.accounts {
      if change.code != nil { return nil }
      size += 8 + Self.addressSize + (change.infoChanged && change.info != nil ? Self.infoSize : 0)
      size += change.storage.count * 64
    }
    size += outcome.changes.deltas.count * (Self.addressSize + 40)
    guard size <= top, reads.count <= 0xFFFF, outcome.changes.accounts.count <= 0xFFFF,
      outcome.changes.deltas.count <= 0xFFFF
    else { return nil }
    top -= size
    var writer = Writer(base + top)
    var flags: UInt64 = 0
    if outcome.status.isSuccess { flags |= PackedSpeculation.succeeded }
    if outcome.calledPendingPrecompile { flags |= PackedSpeculation.pendingPrecompile }
    if outcome.deferredSenderCheck != nil { flags |= PackedSpeculation.deferred }
    writer.put(
      UInt64(reads.count) | UInt64(outcome.changes.accounts.count) << 16
        | UInt64(outcome.changes.deltas.count) << 32 | flags << 48)
    writer.put(outcome.gasUsed)
    writer.put(outcome.blobGasUsed)
    writer.put(outcome.deferredSenderCheck?.nonce ?? 0)
    writer.put(outcome.deferredSenderCheck?.balance ?? .zero)
    writer.put(UInt64(Self.headerSize + answersSize))
    for read in reads {
      switch read {
      case .account(let address, let info):
        writer.put(UInt64(ReadKind.account.rawValue) | (info == nil ? 0 : 1 << 8))
        writer.put(address)
        if let info { writer.put(info) }
      case .codeHash(let address, let hash):
        writer.put(UInt64(ReadKind.codeHash.rawValue))
        writer.put(address)
        writer.put(hash)
      case .storage(let address, let key, let value):
        writer.put(UInt64(ReadKind.storage.rawValue))
        writer.put(address)
        writer.put(key)
        writer.put(value)
      case .dead(let address, let dead):
        writer.put(UInt64(ReadKind.dead.rawValue) | (dead ? 1 << 8 : 0))
        writer.put(address)
      case .hasStorage(let address, let has):
        writer.put(UInt64(ReadKind.hasStorage.rawValue) | (has ? 1 << 8 : 0))
        writer.put(address)
      }
    }
    for (address, change) in outcome.changes.accounts {
      var changeFlags: UInt64 = 0
      if change.infoChanged { changeFlags |= 1 }
      if change.info != nil { changeFlags |= 2 }
      if change.storageCleared { changeFlags |= 4 }
      writer.put(changeFlags | UInt64(change.storage.count) << 32)
      writer.put(address)
      if change.infoChanged, let info = change.info { writer.put(info) }
      for (key, value) in change.storage {
        writer.put(key)
        writer.put(value)
      }
    }
    for (address, delta) in outcome.changes.deltas {
      writer.put(address)
      writer.put(delta.balance)
      writer.put(delta.nonce)
    }
    assert(writer.position == base + top + size, "packed size")
    logs[index] = outcome.logs
    return PackedSpeculation(start: UnsafeRawPointer(base + top))
  }

  /// Writes 8-byte-aligned fields one after the other.
  struct Writer {
    var position: UnsafeMutableRawPointer

    init(_ position: UnsafeMutableRawPointer) { self.position = position }

    @inline(__always)
    mutating func put<T: BitwiseCopyable>(_ value: T) {
      position.storeBytes(of: value, as: T.self)
      position += (MemoryLayout<T>.size + 7) & ~7
    }
  }
}

/// One packed speculation in a `SpeculationArena` (see there for the
/// layout); valid while the arena lives.
struct PackedSpeculation: @unchecked Sendable {
  let start: UnsafeRawPointer

  static let succeeded: UInt64 = 1
  static let pendingPrecompile: UInt64 = 2
  static let deferred: UInt64 = 4

  private var word: UInt64 { start.load(as: UInt64.self) }
  var readCount: Int { Int(word & 0xFFFF) }
  var accountCount: Int { Int(word >> 16 & 0xFFFF) }
  var deltaCount: Int { Int(word >> 32 & 0xFFFF) }
  private var flags: UInt64 { word >> 48 }
  var succeeded: Bool { flags & Self.succeeded != 0 }
  var calledPendingPrecompile: Bool { flags & Self.pendingPrecompile != 0 }
  var gasUsed: UInt64 { start.load(fromByteOffset: 8, as: UInt64.self) }
  var blobGasUsed: UInt64 { start.load(fromByteOffset: 16, as: UInt64.self) }
  var deferredSenderCheck: DeferredSenderCheck? {
    guard flags & Self.deferred != 0 else { return nil }
    return DeferredSenderCheck(
      nonce: start.load(fromByteOffset: 24, as: UInt64.self),
      balance: start.load(fromByteOffset: 32, as: UInt256.self))
  }

  /// Reads 8-byte-aligned fields one after the other.
  struct Reader {
    var position: UnsafeRawPointer

    @inline(__always)
    mutating func get<T: BitwiseCopyable>(_: T.Type = T.self) -> T {
      let value = position.load(as: T.self)
      position += (MemoryLayout<T>.size + 7) & ~7
      return value
    }
  }

  /// Whether every recorded answer is still what `state` gives (as
  /// `SpeculativePipeline.stillHolds`, for a packed record).
  func stillHolds(on state: borrowing InMemoryState) -> Bool {
    var reader = Reader(position: start + SpeculationArena.headerSize)
    return Self.readsHold(&reader, count: readCount, on: state)
  }

  /// The first answer that no longer holds on `state`, described (for
  /// `PEVM_STM_TRACE`); `nil` when all hold.
  func firstStaleAnswer(on state: borrowing InMemoryState) -> String? {
    var reader = Reader(position: start + SpeculationArena.headerSize)
    for _ in 0..<readCount {
      let before = reader
      if !Self.readsHold(&reader, count: 1, on: state) {
        let head = before.position.load(as: UInt64.self)
        let address = (before.position + 8).load(as: Address.self)
        let kind = SpeculationArena.ReadKind(rawValue: UInt8(truncatingIfNeeded: head))
        var text = "\(kind.map { "\($0)" } ?? "?") of \(address)"
        if kind == .storage {
          text += " slot \((before.position + 32).load(as: UInt256.self))"
        }
        return text
      }
    }
    return nil
  }

  @inline(__always)
  private static func readsHold(
    _ reader: inout Reader, count: Int, on state: borrowing InMemoryState
  ) -> Bool {
    for _ in 0..<count {
      let head = reader.get(UInt64.self)
      let address = reader.get(Address.self)
      let flag = head >> 8 & 1 != 0
      let unwritten = state.accounts.isUnwritten(address)
      switch SpeculationArena.ReadKind(rawValue: UInt8(truncatingIfNeeded: head)) {
      case .account:
        let info: AccountInfo? = flag ? reader.get(AccountInfo.self) : nil
        if !unwritten && state.account(address) != info { return false }
      case .codeHash:
        let hash = reader.get(Bytes32.self)
        if !unwritten && state.codeHash(address) != hash { return false }
      case .storage:
        let key = reader.get(UInt256.self)
        let value = reader.get(UInt256.self)
        if !unwritten && state.storage(address, key) != value { return false }
      case .dead:
        if !unwritten && state.isDead(address) != flag { return false }
      case .hasStorage:
        if !unwritten && state.hasStorage(address) != flag { return false }
      case nil:
        preconditionFailure("corrupt packed speculation")
      }
    }
    return true
  }

  /// Applies the diff to `state` (as `InMemoryState.apply(_:)` does with
  /// the outcome's `StateChanges`).
  func apply(to state: inout InMemoryState) {
    var reader = Reader(
      position: start + Int(start.load(fromByteOffset: 64, as: UInt64.self)))
    for _ in 0..<accountCount {
      let head = reader.get(UInt64.self)
      let address = reader.get(Address.self)
      let infoChanged = head & 1 != 0
      let info: AccountInfo? =
        infoChanged && head & 2 != 0 ? reader.get(AccountInfo.self) : nil
      let slots = Int(head >> 32)
      let storage = reader.position
      state.applyChange(
        address, infoChanged: infoChanged, info: info, storageCleared: head & 4 != 0, code: nil
      ) { account in
        var slotReader = Reader(position: storage)
        for _ in 0..<slots {
          let key = slotReader.get(UInt256.self)
          let value = slotReader.get(UInt256.self)
          InMemoryState.write(key, value, into: &account)
        }
      }
      reader.position += slots * 64
    }
    for _ in 0..<deltaCount {
      let address = reader.get(Address.self)
      let balance = reader.get(UInt256.self)
      let nonce = reader.get(UInt64.self)
      state.apply(AccountDelta(balance: balance, nonce: nonce), to: address)
    }
  }
}

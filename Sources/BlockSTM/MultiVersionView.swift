import EVM
import EVMPrimitives
import WorldState

/// What a transaction observed at one location (value-based validation:
/// a read is still valid when re-reading gives the same value).
public enum ObservedValue: Equatable, Sendable {
  case account(AccountInfo?)
  case codeHash(Bytes32)
  case storage(UInt256)
  /// `hasStorage` was answered from the pre-state (no earlier writer).
  case noStorageWriter
  /// Only the account's liveness was asked (`isDead`): valid while it stays
  /// dead or stays alive, whatever its balance.
  case dead(Bool)
}

/// One location a transaction read, with what it saw (plain data: arrays
/// of reads are copied and freed without per-element work).
struct Read: Sendable {
  var location: MemoryLocation
  var observed: ObservedValue

  init(_ location: MemoryLocation, _ observed: ObservedValue) {
    self.location = location
    self.observed = observed
  }
}

/// The outcome of resolving a location for a transaction.
enum Resolution: Equatable {
  case value(ObservedValue)
  /// An ESTIMATE of this transaction stands in the way.
  case blocked(Int)
  /// The case cannot be resolved safely in parallel (sequential fallback).
  case unsupported
}

/// Resolves locations for transaction `index` from the multi-version
/// memory over the block's pre-state. Shared by execution and validation.
struct LocationResolver: @unchecked Sendable {
  let memory: MultiVersionMemory
  let preState: InMemoryState

  /// Full account value below `index`: the highest full write plus the
  /// lazy deltas above it (or the pre-state plus all deltas).
  func account(_ address: Address, below index: Int) -> Resolution {
    var delta = AccountDelta()
    var hasDelta = false
    var base: AccountInfo?? = nil
    var baseWriter = -1
    var blocker: Int? = nil
    memory.forEachVersion(of: .basic(address), below: index) { entry in
      switch entry.value {
      case nil:
        blocker = entry.transaction
        return false
      case .delta(let d)?:
        delta = delta.adding(d)
        hasDelta = true
        return true
      case .account(let info)?:
        base = .some(info)
        baseWriter = entry.transaction
        return false
      default:
        return true
      }
    }
    if let blocker { return .blocked(blocker) }
    if address == memory.coinbase {
      // The fee credits above the base, kept outside the version lists.
      let fees = memory.fees(from: baseWriter + 1, to: index)
      if !fees.isZero {
        delta = delta.adding(AccountDelta(balance: fees))
        hasDelta = true
      }
    }
    let info: AccountInfo? = base ?? preState.account(address)
    return .value(.account(hasDelta ? delta.applied(to: info) : info))
  }

  func codeHash(_ address: Address, below index: Int) -> Resolution {
    guard memory.codeWritten.load(ordering: .acquiring) else {
      return .value(.codeHash(preState.codeHash(address)))
    }
    var result: Resolution? = nil
    memory.forEachVersion(of: .code(address), below: index) { entry in
      switch entry.value {
      case nil: result = .blocked(entry.transaction)
      case .code(let code)?: result = .value(.codeHash(code.code.hash))
      default: break
      }
      return false
    }
    return result ?? .value(.codeHash(preState.codeHash(address)))
  }

  /// The analysed code for `hash` at `address`, from the highest code write
  /// below `index` with that hash, else the pre-state.
  func code(_ address: Address, hash: Bytes32, below index: Int) -> Bytecode {
    guard memory.codeWritten.load(ordering: .acquiring) else {
      let pre = preState.code(address, hash: hash)
      return pre.hash == hash ? pre : .empty
    }
    var found: Bytecode? = nil
    memory.forEachVersion(of: .code(address), below: index) { entry in
      if case .code(let reference)? = entry.value, reference.code.hash == hash {
        found = reference.code
        return false
      }
      return true
    }
    if let found { return found }
    let pre = preState.code(address, hash: hash)
    return pre.hash == hash ? pre : .empty
  }

  /// A storage slot below `index`: the highest write above the latest
  /// storage wipe of the account, zero after a wipe, else the pre-state.
  func storage(_ address: Address, _ key: UInt256, below index: Int) -> Resolution {
    var epoch = -1
    var blocker: Int? = nil
    if memory.storageWiped.load(ordering: .acquiring) {
      memory.forEachVersion(of: .storageEpoch(address), below: index) { entry in
        if entry.value == nil { blocker = entry.transaction } else { epoch = entry.transaction }
        return false
      }
    }
    if let blocker { return .blocked(blocker) }
    var result: Resolution? = nil
    memory.forEachVersion(of: .storage(address, key), below: index) { entry in
      if entry.transaction >= epoch {  // a wipe and the writes after it can share a transaction
        switch entry.value {
        case nil: result = .blocked(entry.transaction)
        case .storage(let value)?: result = .value(.storage(value))
        default: break
        }
      }
      return false
    }
    if let result { return result }
    return .value(.storage(epoch >= 0 ? .zero : preState.storage(address, key)))
  }

  /// EIP-7610's "has storage": answered from the pre-state only when no
  /// earlier transaction wrote or wiped the account's storage.
  func hasStorage(_ address: Address, below index: Int) -> Resolution {
    memory.storageWritten(address, below: index) ? .unsupported : .value(.noStorageWriter)
  }

  /// EIP-161 deadness below `index` (see `MultiVersionMemory.liveness`).
  func isDead(_ address: Address, below index: Int) -> Resolution {
    let isCoinbase = address == memory.coinbase
    switch memory.liveness(of: address, below: index) {
    case .alive: return .value(.dead(false))
    case .written(let info, let writer):
      if isCoinbase && memory.anyFee(from: writer + 1, to: index) { return .value(.dead(false)) }
      return .value(.dead(info.map(\.isEmpty) ?? true))
    case .preState:
      if isCoinbase && memory.anyFee(from: 0, to: index) { return .value(.dead(false)) }
      return .value(.dead(preState.isDead(address)))
    case .blocked(let transaction): return .blocked(transaction)
    case .needsSum:
      switch account(address, below: index) {
      case .value(.account(let info)): return .value(.dead(info.map(\.isEmpty) ?? true))
      case let other: return other
      }
    }
  }

  /// Whether a recorded read still sees what it saw.
  func stillObserves(_ location: MemoryLocation, _ observed: ObservedValue, below index: Int)
    -> Bool
  {
    if case .dead = observed, case .basic(let address) = location {
      guard case .value(let now) = isDead(address, below: index) else { return false }
      return now == observed
    }
    guard case .value(let now) = resolve(location, below: index) else { return false }
    return now == observed
  }

  /// Re-resolves a recorded read.
  func resolve(_ location: MemoryLocation, below index: Int) -> Resolution {
    switch location {
    case .basic(let a): return account(a, below: index)
    case .code(let a): return codeHash(a, below: index)
    case .storage(let a, let k): return storage(a, k, below: index)
    case .storageWritten(let a): return hasStorage(a, below: index)
    case .storageEpoch: return .unsupported
    }
  }
}

/// The `StateView` of one transaction incarnation under Block-STM: reads go
/// to the multi-version memory (falling back to the pre-state) and are
/// recorded for validation. When a read meets an ESTIMATE, the view notes
/// the blocking transaction and answers from the pre-state; the execution's
/// result is then discarded and the transaction waits for the blocker.
struct MultiVersionView: StateView {
  let resolver: LocationResolver
  private(set) var index: Int
  /// Reads in order, for validation.
  var reads: [Read] = []
  var blockedBy: Int? = nil
  var unsupported = false
  /// The last code hash read (see `codeHash`).
  var lastCodeHash: (Address, Bytes32)? = nil

  init(resolver: LocationResolver, index: Int) {
    self.resolver = resolver
    self.index = index
  }

  /// Readies a worker's view for its next incarnation, keeping the reads
  /// buffer (the reads are handed on as an exact-size copy).
  mutating func reset(index: Int) {
    self.index = index
    reads.removeAll(keepingCapacity: true)
    blockedBy = nil
    unsupported = false
    lastCodeHash = nil
  }

  private mutating func observe(_ location: MemoryLocation, _ resolution: Resolution)
    -> ObservedValue?
  {
    switch resolution {
    case .value(let value):
      reads.append(Read(location, value))
      return value
    case .blocked(let transaction):
      if blockedBy == nil {
        blockedBy = transaction
        if STMTrace.enabled { EVMTrace.write("wait \(index) on \(transaction) at \(location)\n") }
      }
      return nil
    case .unsupported:
      unsupported = true
      return nil
    }
  }

  mutating func account(_ address: Address) -> AccountInfo? {
    if case .account(let info)? = observe(.basic(address), resolver.account(address, below: index))
    {
      return info
    }
    return resolver.preState.account(address)
  }

  mutating func codeHash(_ address: Address) -> Bytes32 {
    // The recipient's code hash is asked twice (the plain-transfer test, then
    // the call itself): the second answer is the first, not a second read.
    if let (cached, hash) = lastCodeHash, cached == address { return hash }
    if case .codeHash(let hash)? = observe(.code(address), resolver.codeHash(address, below: index))
    {
      lastCodeHash = (address, hash)
      return hash
    }
    return resolver.preState.codeHash(address)
  }

  mutating func code(_ address: Address, hash: Bytes32) -> Bytecode {
    resolver.code(address, hash: hash, below: index)
  }

  mutating func storage(_ address: Address, _ key: UInt256) -> UInt256 {
    if case .storage(let value)? = observe(
      .storage(address, key), resolver.storage(address, key, below: index))
    {
      return value
    }
    return resolver.preState.storage(address, key)
  }

  mutating func isDead(_ address: Address) -> Bool {
    switch resolver.isDead(address, below: index) {
    case .value(.dead(let dead)):
      reads.append(Read(.basic(address), .dead(dead)))
      return dead
    case .value: return true  // not reached: deadness resolves to `.dead`
    case .blocked(let transaction):
      if blockedBy == nil { blockedBy = transaction }
      return resolver.preState.isDead(address)
    case .unsupported:
      unsupported = true
      return true
    }
  }

  mutating func hasStorage(_ address: Address) -> Bool {
    _ = observe(.storageWritten(address), resolver.hasStorage(address, below: index))
    return resolver.preState.hasStorage(address)
  }

  mutating func blockHash(_ number: UInt64) -> Bytes32 { resolver.preState.blockHash(number) }
}

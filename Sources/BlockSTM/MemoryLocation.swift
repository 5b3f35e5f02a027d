import EVM
import EVMPrimitives

/// A location of the world state that Block-STM versions.
///
/// An account is split so that transactions conflict only on what they
/// really share: `basic` (balance, nonce, existence — the target of lazy
/// credits), `code` (the code hash, which plain transfers read without
/// reading the balance), `storageEpoch` (written when the account's storage
/// is wiped by creation or destruction) and `storageWritten` (written with
/// every storage write, read only by the EIP-7610 collision check).
public enum MemoryLocation: Hashable, Sendable {
  case basic(Address)
  case code(Address)
  case storage(Address, UInt256)
  case storageEpoch(Address)
  case storageWritten(Address)

  /// The account the location belongs to.
  public var address: Address {
    switch self {
    case .basic(let a), .code(let a), .storage(let a, _), .storageEpoch(let a),
      .storageWritten(let a):
      return a
    }
  }

  /// One combine of the location's 64-bit mix.
  public func hash(into hasher: inout Hasher) { hasher.combine(flatHash) }

  /// A cheap, seeded 64-bit mix of the location: its low bits pick a shard of
  /// the multi-version memory, its high bits the bucket inside the shard.
  @inlinable
  public func flatHash(seed: UInt64) -> UInt64 {
    switch self {
    case .basic(let a): return a.flatHash(seed: seed) ^ 0x1
    case .code(let a): return FlatHash.combine(a.flatHash(seed: seed), 2)
    case .storage(let a, let k):
      return FlatHash.combine(
        FlatHash.combine(
          FlatHash.combine(k.w0 ^ seed ^ a.high, k.w1 ^ a.middle), k.w2 ^ UInt64(a.low)),
        k.w3)
    case .storageEpoch(let a): return FlatHash.combine(a.flatHash(seed: seed), 3)
    case .storageWritten(let a): return FlatHash.combine(a.flatHash(seed: seed), 4)
    }
  }
}

extension MemoryLocation: FlatHashable {}

/// One location a transaction wrote, with the value.
public struct Write: Sendable {
  public var location: MemoryLocation
  public var value: WrittenValue

  @inlinable
  public init(_ location: MemoryLocation, _ value: WrittenValue) {
    self.location = location
    self.value = value
  }
}

/// What a transaction wrote to a location.
public enum WrittenValue: Sendable {
  /// The account's full basic value (`nil`: the account does not exist).
  case account(AccountInfo?)
  /// A lazy delta (balance credit or debit, nonce increment) to an account
  /// the transaction never read.
  case delta(AccountDelta)
  /// The account's code (hash and analysed code; empty code when destroyed).
  case code(CodeReference)
  case storage(UInt256)
  /// A marker for `storageEpoch` and `storageWritten`.
  case marker
}

/// Analysed code held without a reference count, so that writes and
/// versions stay plain data (copied and freed without per-element work).
/// The multi-version memory keeps every code it records alive until it is
/// freed (`MultiVersionMemory.record`); a reference is only followed while
/// the memory is alive.
public struct CodeReference: @unchecked Sendable {
  let unmanaged: Unmanaged<Bytecode>

  /// A reference to `code`, which the caller keeps alive until the
  /// multi-version memory records it.
  public init(_ code: Bytecode) { unmanaged = .passUnretained(code) }

  /// The code (retained by the caller from here on).
  public var code: Bytecode { unmanaged.takeUnretainedValue() }
}

#if canImport(Glibc)
  import Glibc
#endif

/// Debug switch: `PEVM_STM_TRACE=1` prints Block-STM waits and aborts to standard error.
enum STMTrace {
  static let enabled: Bool = getenv("PEVM_STM_TRACE") != nil
  static let phases: Bool = getenv("PEVM_STM_PHASES") != nil || timeline
  /// `PEVM_STM_TIMELINE=1`: every worker's steps with start and end times.
  static let timeline: Bool = getenv("PEVM_STM_TIMELINE") != nil
  /// `PEVM_STM_FORCE=1`: Block-STM even with one worker (to measure its
  /// cost without a second core).
  static let forceParallel: Bool = getenv("PEVM_STM_FORCE") != nil
  /// `PEVM_BLOCK_STM=1`: Block-STM also for two workers (where the
  /// speculative pipeline runs by default).
  static let blockSTMOnly: Bool = getenv("PEVM_BLOCK_STM") != nil
}

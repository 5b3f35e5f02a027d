import EVMPrimitives

/// Analysed contract code: the bytes padded with zeros (so the interpreter
/// reads PUSH immediates and the STOP after the last instruction without a
/// bounds check) and the set of valid jump destinations.
///
/// Immutable after creation, so instances are shared freely between threads
/// and cached by code hash (`BytecodeCache`).
public final class Bytecode: Sendable {
  /// Padding after the code: a PUSH32 at the very end reads 32 zero bytes, then STOP.
  public static let padding = 33

  /// The code, followed by `padding` zero bytes.
  public let padded: [UInt8]
  /// The code's length without padding.
  public let count: Int
  /// Keccak-256 of the code.
  public let hash: Bytes32
  /// Bit `i` set when byte `i` is a JUMPDEST opcode (not PUSH data).
  @usableFromInline let jumpdests: [UInt64]

  public static let empty = Bytecode([], hash: Keccak256.emptyHash)

  /// Analyses `code`, whose Keccak hash is `hash`.
  public init(_ code: [UInt8], hash: Bytes32) {
    count = code.count
    self.hash = hash
    var padded = code
    padded.append(contentsOf: repeatElement(0, count: Bytecode.padding))
    self.padded = padded
    var bits = [UInt64](repeating: 0, count: (code.count + 63) / 64 + 1)
    var i = 0
    while i < code.count {
      let op = code[i]
      if op == 0x5b {
        bits[i >> 6] |= 1 << UInt64(i & 63)
      } else if op >= 0x60 && op <= 0x7f {
        i += Int(op) - 0x5f
      }
      i += 1
    }
    jumpdests = bits
  }

  /// A copy of `other` in buffers of its own: a thread that runs code
  /// another thread runs too keeps the reference counts it updates (of the
  /// object and of its buffers) on cache lines of its own.
  public init(copying other: Bytecode) {
    count = other.count
    hash = other.hash
    padded = other.padded.withUnsafeBufferPointer { Array($0) }
    jumpdests = other.jumpdests.withUnsafeBufferPointer { Array($0) }
  }

  /// Analyses `code`, hashing it.
  public convenience init(_ code: [UInt8]) {
    self.init(code, hash: code.isEmpty ? Keccak256.emptyHash : Keccak256.hash(code))
  }

  /// The code bytes without padding.
  public var bytes: ArraySlice<UInt8> { padded[0..<count] }

  /// True when `offset` is a JUMPDEST instruction.
  @inlinable @inline(__always)
  public func isJumpDestination(_ offset: UInt256) -> Bool {
    guard offset.fitsInUInt64, offset.w0 < UInt64(count) else { return false }
    let i = Int(offset.w0)
    return jumpdests[i >> 6] & (1 << UInt64(i & 63)) != 0
  }

  /// The EIP-7702 delegation target when the code is `0xef0100 ‖ address`.
  public var delegationTarget: Address? {
    guard count == 23, padded[0] == 0xef, padded[1] == 0x01, padded[2] == 0x00 else { return nil }
    return Address(bytes: padded[3..<23])
  }
}

/// Analysed code by hash, shared by every executor in the process.
///
/// Invariants: entries are immutable `Bytecode` values keyed by their own
/// hash, so a reader may use any entry it finds; writers race only to insert
/// identical values. Guarded by one lock (the lookup is rare next to execution).
public final class BytecodeCache: Sendable {
  public static let shared = BytecodeCache()
  private let entries = Locked<[Bytes32: Bytecode]>([:])

  public init() {}

  /// The analysed code for `code`, analysing it once per hash.
  public func bytecode(for code: [UInt8]) -> Bytecode {
    if code.isEmpty { return .empty }
    let hash = Keccak256.hash(code)
    if let found = entries.withLock({ $0[hash] }) { return found }
    let analysed = Bytecode(code, hash: hash)
    entries.withLock { $0[hash] = analysed }
    return analysed
  }
}

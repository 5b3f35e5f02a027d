/// A 20-byte account address.
///
/// Stored as three big-endian integers (bytes 0–7, 8–15, 16–19) so that
/// hashing and comparison are a few machine instructions and ordering is the
/// byte order.
@frozen
public struct Address: Hashable, Comparable, Sendable {
  public var high: UInt64
  public var middle: UInt64
  public var low: UInt32

  @inlinable @inline(__always)
  public init(high: UInt64, middle: UInt64, low: UInt32) {
    self.high = high
    self.middle = middle
    self.low = low
  }

  public static let zero = Address(high: 0, middle: 0, low: 0)

  /// The last 20 bytes of `bytes` (shorter input is left-padded with zeros).
  @inlinable
  public init<C: Collection>(bytes: C) where C.Element == UInt8 {
    var padded = [UInt8](repeating: 0, count: 20)
    let tail = Array(bytes.suffix(20))
    padded.replaceSubrange((20 - tail.count)..<20, with: tail)
    self = padded.withUnsafeBytes { Address(pointer: $0.baseAddress!) }
  }

  /// Reads 20 bytes at `p`.
  @inlinable @inline(__always)
  public init(pointer p: UnsafeRawPointer) {
    self.init(
      high: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
      middle: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
      low: UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
  }

  /// The low 160 bits of a word, as the EVM converts stack values to addresses.
  @inlinable @inline(__always)
  public init(word: UInt256) {
    self.init(
      high: (word.w2 << 32) | (word.w1 >> 32),
      middle: (word.w1 << 32) | (word.w0 >> 32),
      low: UInt32(truncatingIfNeeded: word.w0))
  }

  /// The address as a word (zero-extended).
  @inlinable @inline(__always)
  public var word: UInt256 {
    UInt256(
      w0: (middle << 32) | UInt64(low),
      w1: (high << 32) | (middle >> 32),
      w2: high >> 32,
      w3: 0)
  }

  /// Writes the 20 bytes at `p`.
  @inlinable @inline(__always)
  public func store(to p: UnsafeMutableRawPointer) {
    p.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
    p.storeBytes(of: middle.bigEndian, toByteOffset: 8, as: UInt64.self)
    p.storeBytes(of: low.bigEndian, toByteOffset: 16, as: UInt32.self)
  }

  /// The 20 bytes.
  @inlinable
  public var bytes: [UInt8] {
    [UInt8](unsafeUninitializedCapacity: 20) { buffer, count in
      store(to: UnsafeMutableRawPointer(buffer.baseAddress!))
      count = 20
    }
  }

  /// Parses 40 hex digits with or without `0x`.
  public init?(hex text: String) {
    guard let bytes = Hex.decode(text), bytes.count == 20 else { return nil }
    self.init(bytes: bytes)
  }

  /// One combine of a pre-mixed word (addresses are already uniformly
  /// distributed): a third of the hashing work of the three fields.
  @inlinable
  public func hash(into hasher: inout Hasher) {
    hasher.combine(high ^ (middle &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(low) << 17))
  }

  @inlinable
  public static func < (a: Address, b: Address) -> Bool {
    (a.high, a.middle, a.low) < (b.high, b.middle, b.low)
  }
}

extension Address: CustomStringConvertible {
  /// Lower-case `0x`-prefixed hex.
  public var description: String { Hex.encode(bytes) }
}
